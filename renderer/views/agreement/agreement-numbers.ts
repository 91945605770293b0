/** How agreement figures read: percentages with one decimal, coefficients with three, "–" when undefined. */
export function formatShare(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}

export function formatCoefficient(value: number | null): string {
  return value === null ? '–' : value.toFixed(3);
}

/** Landis & Koch's words for kappa, so a number means something at a glance. */
export function kappaWords(kappa: number | null): string {
  if (kappa === null) return 'not enough overlap';
  if (kappa < 0) return 'worse than chance';
  if (kappa < 0.2) return 'slight';
  if (kappa < 0.4) return 'fair';
  if (kappa < 0.6) return 'moderate';
  if (kappa < 0.8) return 'substantial';
  return 'almost perfect';
}
