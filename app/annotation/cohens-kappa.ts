/**
 * Agreement between two annotators who put the same items into categories.
 *
 *   p_o = share of items where they chose the same category
 *   p_e = Σ_k p_a(k) · p_b(k)   (chance agreement from each annotator's own category shares)
 *   κ   = (p_o − p_e) / (1 − p_e)
 *
 * κ is undefined (null) when there are no items, or when p_e = 1 — both annotators used one and
 * the same category throughout, so agreement cannot be told from chance.
 */
export function cohensKappa<C extends string>(pairs: readonly (readonly [C, C])[]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const observed = percentAgreement(pairs) as number;
  const shareA = new Map<C, number>();
  const shareB = new Map<C, number>();
  for (const [a, b] of pairs) {
    shareA.set(a, (shareA.get(a) ?? 0) + 1 / n);
    shareB.set(b, (shareB.get(b) ?? 0) + 1 / n);
  }
  let expected = 0;
  for (const [category, pa] of shareA) expected += pa * (shareB.get(category) ?? 0);
  if (Math.abs(1 - expected) < 1e-12) return null;
  return (observed - expected) / (1 - expected);
}

/** Share of pairs that agree, 0..1; null with no pairs. */
export function percentAgreement<C>(pairs: readonly (readonly [C, C])[]): number | null {
  if (pairs.length === 0) return null;
  return pairs.filter(([a, b]) => a === b).length / pairs.length;
}
