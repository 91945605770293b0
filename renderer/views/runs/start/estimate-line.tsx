import type { RunEstimate } from '../../../client/contract-types';
import { formatCount, formatDuration } from '../../../components/format';
import type { EstimateState } from './use-run-estimate';

/**
 * The run's time, only as honest as what backs it: measured from a finished run of the same
 * model on the same devices (named, with its pace), or said plainly to be unknown before one.
 */
function TimeText({ time }: { time: RunEstimate['time'] }) {
  if (time.basis === 'measured' && time.seconds !== null && time.fromRun !== null) {
    const pace = time.fromRun;
    return (
      <span data-testid="run-estimate-time" data-basis="measured">
        {' '}
        · about <strong>{formatDuration(time.seconds * 1000)}</strong>
        <span className="muted">
          {' '}
          (measured on {pace.name}: {pace.secondsPerStep.toFixed(2)} s per step, {Math.round(pace.startupSeconds)} s to start)
        </span>
      </span>
    );
  }
  return (
    <span className="muted" data-testid="run-estimate-time" data-basis="unmeasured">
      {' '}
      · time: a guess until a run of this model finishes on this machine — this one will be measured, and the next estimate uses its pace
    </span>
  );
}

export function EstimateLine({ state }: { state: EstimateState }) {
  return (
    <p className="estimate small" data-testid="run-estimate" data-state={state.kind} aria-live="polite">
      {state.kind === 'idle' && <span className="muted">The estimate appears once the options are valid.</span>}
      {state.kind === 'loading' && <span className="muted">Estimating…</span>}
      {state.kind === 'error' && <span className="danger">{state.message}</span>}
      {state.kind === 'ready' && (
        <>
          <strong data-testid="run-estimate-steps">{formatCount(state.estimate.totalSteps)}</strong> optimizer steps
          <TimeText time={state.estimate.time} />
          <span className="muted">
            {' '}
            · {formatCount(state.estimate.stepsPerEpoch)} per epoch · {formatCount(state.estimate.trainItems)} train items ({formatCount(state.estimate.trainPairs)} pairs) ·{' '}
            {formatCount(state.estimate.valItems)} validation items
          </span>
        </>
      )}
    </p>
  );
}
