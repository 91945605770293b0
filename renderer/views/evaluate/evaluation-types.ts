/**
 * The Evaluate views' vocabulary: scope labels, status words, how an evaluation is named, and the
 * list update for `evaluations.onChanged`. The types come from the contract, through
 * renderer/client/contract-types.ts like every type of the core.
 */
import type { EvaluationScope, EvaluationStatus, EvaluationSummary } from '../../client/contract-types';
import { upsertById } from '../../state/upsert-by-id';

export const SCOPES: readonly { id: EvaluationScope; label: string; hint: string }[] = [
  { id: 'val', label: 'Validation', hint: 'The split runs validate on: the usual choice.' },
  { id: 'test', label: 'Test', hint: 'Held out from training and validation.' },
  { id: 'train', label: 'Train', hint: 'What the model trained on: high accuracy here says little.' },
  { id: 'unjudged', label: 'Unjudged', hint: 'Items nobody judged: no accuracy, but the scores feed "most uncertain first" in Annotate.' },
];

export const STATUS_WORDS: Record<EvaluationStatus, string> = {
  queued: 'Queued',
  running: 'Scoring',
  finished: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function isEvaluationActive(status: EvaluationStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** "run-name · step 120 · val" — how an evaluation is named in pickers and headers. */
export function evaluationLabel(evaluation: Pick<EvaluationSummary, 'runName' | 'step' | 'scope' | 'engine'>): string {
  const engine = evaluation.engine === 'onnx' ? ' · ONNX' : '';
  return `${evaluation.runName} · step ${evaluation.step} · ${evaluation.scope}${engine}`;
}

/** Newest first, an updated evaluation replacing its old copy (evaluations.onChanged). */
export function upsertEvaluation(list: readonly EvaluationSummary[], next: EvaluationSummary): EvaluationSummary[] {
  const known = list.some((entry) => entry.id === next.id);
  const updated = upsertById(list, next);
  // A cached evaluation returned by evaluations.start can be older than the newest shown.
  return known ? updated : updated.sort((a, b) => b.id - a.id);
}
