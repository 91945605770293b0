/**
 * Reproducible randomness for the places that must give the same answer on every machine and
 * every run: the sample data's layout and the annotators' response orders. Math.random cannot
 * be seeded; node:crypto is not available to every layer. Pure and dependency-free.
 */

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1); plenty for layout jitter and short shuffles. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates over a copy: every permutation equally likely for a uniform source. */
export function shuffled<T>(random: () => number, values: readonly T[]): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
