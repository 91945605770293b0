/**
 * The evaluation domain's types as the renderer sees them, derived from the contract's command
 * results (the renderer may import only app/contract from the core's domains; tests/architecture
 * checks it), so a changed result type breaks the views' type check.
 */
import type { CommandInput, CommandResult } from '../../../app/contract';
import { upsertById } from '../../state/upsert-by-id';

export type EvaluationSummary = CommandResult<'evaluations.get'>;
export type EvaluationStatus = EvaluationSummary['status'];
export type EvaluationScope = EvaluationSummary['scope'];
export type ScoringEngine = EvaluationSummary['engine'];
export type EvaluationMetrics = NonNullable<EvaluationSummary['metrics']>;
export type CalibrationBin = EvaluationMetrics['calibration'][number];
export type EvaluationComparison = CommandResult<'evaluations.compare'>;
export type CompareItemPage = CommandResult<'evaluations.compareItems'>;
export type CompareItemRow = CompareItemPage['rows'][number];
export type CompareFilter = NonNullable<CommandInput<'evaluations.compareItems'>['filter']>;
export type AgreementKind = CompareItemRow['agreement'];
export type ItemScores = CommandResult<'evaluations.itemScores'>[number];

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
