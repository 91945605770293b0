import { formatCount } from '../../../components/format';
import type { EstimateState } from './use-run-estimate';

export function EstimateLine({ state }: { state: EstimateState }) {
  return (
    <p className="estimate small" data-testid="run-estimate" data-state={state.kind} aria-live="polite">
      {state.kind === 'idle' && <span className="muted">The estimate appears once the options are valid.</span>}
      {state.kind === 'loading' && <span className="muted">Estimating…</span>}
      {state.kind === 'error' && <span className="danger">{state.message}</span>}
      {state.kind === 'ready' && (
        <>
          <strong data-testid="run-estimate-steps">{formatCount(state.estimate.totalSteps)}</strong> optimizer steps
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
