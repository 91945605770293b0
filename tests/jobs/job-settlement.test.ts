/**
 * How a job ended, decided by one pure function: every phase the worker can report × every way a
 * person can have stopped it × every way its process can end × with and without its own error.
 */
import { describe, expect, it } from 'vitest';
import { isFinalPhase, reattachVerdict, settleJob, type JobEvidence, type JobExit } from '../../app/jobs/job-settlement';

const CONTEXT = { graceMs: 30_000, reportedFailureHint: 'See worker.log.', silentFailureHint: 'See console.log.' };
const PHASES = [null, 'starting', 'loading', 'training', 'evaluating', 'saving', 'finished', 'stopped', 'failed'] as const;
const STOPS = [
  { stopRequested: false, killedAfterGrace: false },
  { stopRequested: true, killedAfterGrace: false },
  { stopRequested: true, killedAfterGrace: true },
] as const;
const EXITS: Array<JobExit | null> = [{ code: 0, signal: null }, { code: 1, signal: null }, { code: null, signal: 'SIGKILL' }, { code: null, signal: 'SIGTERM' }, null];
const OWN_ERROR = { message: 'CUDA out of memory', hint: 'Lower batch_size.' };

function evidence(phase: string | null, stop: (typeof STOPS)[number], exit: JobExit | null, lastError: typeof OWN_ERROR | null): JobEvidence {
  return { phase, phaseMessage: phase === 'failed' ? 'failed while saving' : null, lastError, ...stop, exit };
}

describe('settleJob: every phase × stop × exit × own error', () => {
  let combinations = 0;
  for (const phase of PHASES) {
    for (const stop of STOPS) {
      for (const exit of EXITS) {
        for (const lastError of [null, OWN_ERROR]) {
          combinations++;
          const name = `phase ${phase} · stop ${stop.stopRequested ? (stop.killedAfterGrace ? 'killed after grace' : 'requested') : 'none'} · exit ${JSON.stringify(exit)} · ${lastError ? 'own error' : 'no error'}`;
          it(name, () => {
            const { status, error } = settleJob(evidence(phase, stop, exit, lastError), CONTEXT);
            if (phase === 'finished' || phase === 'stopped') {
              // The job's own last word wins over a stop request and over the exit code.
              expect(status).toBe(phase);
              expect(error).toBeNull();
            } else if (phase === 'failed') {
              expect(status).toBe('failed');
              expect(error).toEqual(lastError ?? { message: 'failed while saving', hint: 'See worker.log.' });
            } else if (stop.stopRequested) {
              expect(status).toBe('stopped');
              if (stop.killedAfterGrace) expect(error).toEqual({ message: 'the worker did not stop within 30 s of SIGTERM and was killed', hint: 'Checkpoints saved before the stop are kept.' });
              else expect(error).toBeNull();
            } else if (exit?.code === 0) {
              expect(status).toBe('finished');
              expect(error).toBeNull();
            } else {
              expect(status).toBe('failed');
              if (lastError) expect(error).toEqual(lastError);
              else expect(error?.hint).toBe('See console.log.');
            }
          });
        }
      }
    }
  }
  it('covers the whole cross product', () => expect(combinations).toBe(PHASES.length * STOPS.length * EXITS.length * 2));
});

describe('settleJob: a silent death says how the process ended', () => {
  const silent = (exit: JobExit | null) => settleJob(evidence('training', STOPS[0], exit, null), CONTEXT).error?.message;
  it('names the signal, the exit code, or a vanished pid', () => {
    expect(silent({ code: null, signal: 'SIGKILL' })).toBe('the worker was killed (SIGKILL) without saying why');
    expect(silent({ code: 3, signal: null })).toBe('the worker exited with code 3 without saying why');
    expect(silent(null)).toBe('the worker stopped without saying why');
  });
  it('a failed phase without a message or error event still explains itself', () => {
    const { error } = settleJob({ ...evidence('failed', STOPS[0], null, null), phaseMessage: null }, CONTEXT);
    expect(error).toEqual({ message: 'the worker failed', hint: 'See worker.log.' });
  });
});

describe('isFinalPhase', () => {
  it('is true only for finished, stopped and failed', () => {
    expect(PHASES.filter(isFinalPhase)).toEqual(['finished', 'stopped', 'failed']);
    expect(isFinalPhase(undefined)).toBe(false);
  });
});

describe('reattachVerdict: follow a worker that still trains, settle one that is gone', () => {
  const base = { phase: 'training', alive: true, heartbeatAgeMs: 1_000, sinceLaunchMs: 60_000, staleMs: 30_000 };
  it('follows a live worker with a fresh heartbeat', () => expect(reattachVerdict(base)).toBe('follow'));
  it('settles a final phase even while the pid lives (a recycled pid)', () => {
    for (const phase of ['finished', 'stopped', 'failed']) expect(reattachVerdict({ ...base, phase })).toBe('settle');
  });
  it('settles a dead process whatever its heartbeat', () => expect(reattachVerdict({ ...base, alive: false })).toBe('settle'));
  it('settles a stale heartbeat (the pid is someone else now)', () => expect(reattachVerdict({ ...base, heartbeatAgeMs: 30_000 })).toBe('settle'));
  it('before the first heartbeat, a young launch is still importing torch: follow; an old one: settle', () => {
    expect(reattachVerdict({ ...base, phase: null, heartbeatAgeMs: null, sinceLaunchMs: 5_000 })).toBe('follow');
    expect(reattachVerdict({ ...base, phase: null, heartbeatAgeMs: null, sinceLaunchMs: 31_000 })).toBe('settle');
    expect(reattachVerdict({ ...base, phase: null, heartbeatAgeMs: null, sinceLaunchMs: null })).toBe('settle');
  });
});
