/** A and B keep one colour each across the Compare view: badges, curves, scatter. */
import { RUN_COLORS } from '../../charts/chart-specs';
import type { ScatterCategory } from './scatter-marks';

export const COLOR_A = RUN_COLORS[0] as string;
export const COLOR_B = RUN_COLORS[1] as string;

/** Scatter colours: who ranked the item right. Agreement in muted tones, disagreement in A's or B's colour. */
export function categoryColor(category: ScatterCategory, styles: { success: string; danger: string }): string {
  switch (category) {
    case 'both-right':
      return styles.success;
    case 'both-wrong':
      return styles.danger;
    case 'a-only':
      return COLOR_A;
    case 'b-only':
      return COLOR_B;
  }
}

export const CATEGORY_LABELS: Record<ScatterCategory, string> = {
  'both-right': 'Both right',
  'both-wrong': 'Both wrong',
  'a-only': 'A right · B wrong',
  'b-only': 'B right · A wrong',
};
