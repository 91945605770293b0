/**
 * A compared checkpoint named where responses are on screen: its colour and its run and step
 * ("sft-lr3e-4 · 120"), never a bare A or B — in an item, A and B are the responses.
 */
import type { EvaluationSummary } from '../../client/contract-types';
import { evaluationLabel } from '../evaluate/evaluation-types';

export type CompareSides = { a: EvaluationSummary; b: EvaluationSummary };

export function sideName(evaluation: EvaluationSummary): string {
  return `${evaluation.runName} · ${evaluation.step}`;
}

export function SideTag({ side, evaluation }: { side: 'a' | 'b'; evaluation: EvaluationSummary }) {
  return (
    <span className={`pick-badge side-tag pick-${side}`} title={evaluationLabel(evaluation)} data-testid={`side-tag-${side}`}>
      {sideName(evaluation)}
    </span>
  );
}
