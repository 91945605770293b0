/**
 * The order an annotator sees an item's responses in. Left/right position biases judgments
 * (people favour one side), so each item is shuffled — but deterministically, from a hash of the
 * item id and the annotator's name: the same person sees the same order after a reload or on
 * another machine, and two annotators of one item usually see different orders. The judgment
 * records the order shown; the stored ranking always refers to the original response indices.
 *
 * Pure and dependency-free (no node:crypto) so any layer can compute it.
 */

/** A permutation of 0..responseCount-1: `order[k]` is the response shown in position k. */
export function displayOrder(itemId: string, annotator: string, responseCount: number): number[] {
  const order = Array.from({ length: responseCount }, (_, i) => i);
  // The NUL separator keeps ("ab", "c") and ("a", "bc") apart.
  const random = mulberry32(fnv1a32(`${itemId}\u0000${annotator}`));
  // Fisher–Yates: every permutation equally likely for a uniform source.
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  return order;
}

/** FNV-1a over the UTF-8 bytes: a stable 32-bit hash with good spread for short strings. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1); plenty for shuffling up to 64 responses. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
