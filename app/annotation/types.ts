/** Results of the annotation domain (undo, agreement, conflicts). Plain JSON: they cross the contract. */
import type { ItemDetail, ItemSummary, Judgment, JudgmentHistoryEntry } from '../store/types';

export interface UndoResult {
  /** The change that was taken back, or null when the annotator has nothing left to undo. */
  undone: JudgmentHistoryEntry | null;
  /** The item as it is after the undo (to show it again), or null when nothing was undone. */
  item: ItemDetail | null;
}

export interface PairAgreement {
  a: string;
  b: string;
  /** Two-response items both judged. */
  items: number;
  percentAgreement: number | null;
  cohensKappa: number | null;
}

export interface AgreementReport {
  annotators: string[];
  /** Items judged by at least two annotators (adjudications not counted as annotators). */
  itemsWithSeveral: number;
  pairs: {
    /** Two-response items judged by ≥ 2 annotators; categories: first better, second better, tie. */
    items: number;
    percentAgreement: number | null;
    /** Cohen's kappa for two annotators; with more, the mean over annotator pairs (Light's kappa). */
    cohensKappa: number | null;
    byAnnotatorPair: PairAgreement[];
  };
  rankings: {
    /** Items with three or more responses judged by ≥ 2 annotators. */
    items: number;
    /** Krippendorff's alpha with the normalised Kendall-tau distance between rankings. */
    krippendorffAlpha: number | null;
    meanKendallTauDistance: number | null;
  };
  conflicts: number;
  adjudicated: number;
}

export interface ConflictItem {
  item: ItemSummary;
  responses: string[];
  judgments: Judgment[];
  adjudication: Judgment | null;
}

export interface ConflictList {
  total: number;
  items: ConflictItem[];
}
