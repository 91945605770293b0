/**
 * The job supervisor: a serialized queue, the polite stop that becomes a kill after the grace
 * period, waiting for a job to be gone, settling once, the ticker.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { delay, JobSupervisor, newJobState, type SupervisedJob } from '../../app/jobs/job-supervisor';

function recordingControl(log: string[]) {
  return { terminate: () => log.push('terminate'), kill: () => log.push('kill') };
}

afterEach(() => vi.useRealTimers());

describe('JobSupervisor', () => {
  it('runs queued tasks one after another, in order, and a failing task does not block the rest', async () => {
    const jobs = new JobSupervisor<SupervisedJob>({ noun: 'run', stopGraceMs: 10, pollMs: 0 });
    const order: string[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const first = jobs.serialize(async () => {
      await delay(30);
      order.push('first');
    });
    const second = jobs.serialize(async () => {
      order.push('second');
      throw new Error('boom');
    });
    const third = jobs.serialize(async () => {
      order.push('third');
    });
    await Promise.all([first, second, third]);
    expect(order).toEqual(['first', 'second', 'third']);
    expect(errors).toHaveBeenCalledOnce();
    errors.mockRestore();
  });

  it('stop asks politely, then kills once the grace period passes without the job settling', () => {
    vi.useFakeTimers();
    const jobs = new JobSupervisor<SupervisedJob>({ noun: 'run', stopGraceMs: 5_000, pollMs: 0 });
    const log: string[] = [];
    const job = jobs.watch(newJobState(1, recordingControl(log)));
    jobs.stop(1);
    jobs.stop(1); // a second Stop click does not signal twice
    jobs.stop(99); // not followed: nothing to do
    expect(log).toEqual(['terminate']);
    vi.advanceTimersByTime(4_999);
    expect(job.killedAfterGrace).toBe(false);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['terminate', 'kill']);
    expect(job.killedAfterGrace).toBe(true);
  });

  it('a job that settles within the grace period is never killed', () => {
    vi.useFakeTimers();
    const jobs = new JobSupervisor<SupervisedJob>({ noun: 'run', stopGraceMs: 5_000, pollMs: 0 });
    const log: string[] = [];
    const job = jobs.watch(newJobState(2, recordingControl(log)));
    jobs.stop(2);
    expect(jobs.settle(job)).toBe(true);
    expect(jobs.settle(job)).toBe(false); // an exit and a vanished pid both report the end: recorded once
    vi.advanceTimersByTime(10_000);
    expect(log).toEqual(['terminate']);
    expect(jobs.get(2)).toBeUndefined();
  });

  it('end kills and waits until the job is gone; a job that will not go is "busy"', async () => {
    const jobs = new JobSupervisor<SupervisedJob>({ noun: 'evaluation', stopGraceMs: 5_000, pollMs: 0 });
    const log: string[] = [];
    const quick = jobs.watch(newJobState(3, { terminate: () => setTimeout(() => jobs.settle(quick), 20) }));
    const marked: number[] = [];
    await jobs.end(3, (job) => marked.push(job.id));
    expect(quick.stopRequested).toBe(true);
    expect(marked).toEqual([3]);
    await jobs.end(42); // not followed: nothing to wait for
    const stuck = jobs.watch(newJobState(4, recordingControl(log)));
    await expect(jobs.end(stuck.id, undefined, 120)).rejects.toMatchObject({ code: 'busy', message: 'evaluation 4 did not stop in time' });
    expect(log).toEqual(['kill']);
  });

  it('ticks every followed job until none is left, and close stops everything', async () => {
    const ticks: number[] = [];
    const jobs = new JobSupervisor<SupervisedJob>({ noun: 'run', stopGraceMs: 5_000, pollMs: 10, onTick: (job) => ticks.push(job.id) });
    const job = jobs.watch(newJobState(5));
    await delay(60);
    expect(ticks.filter((id) => id === 5).length).toBeGreaterThanOrEqual(2);
    jobs.settle(job);
    const seen = ticks.length;
    await delay(40);
    expect(ticks.length).toBe(seen);
    jobs.watch(newJobState(6));
    expect(jobs.close().map((left) => left.id)).toEqual([6]);
    expect(jobs.closed).toBe(true);
    let ran = false;
    await jobs.serialize(async () => {
      ran = true;
    });
    expect(ran).toBe(false);
  });
});
