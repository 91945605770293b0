/**
 * The order an annotator sees an item's responses in. Left/right position biases judgments
 * (people favour one side), so each item is shuffled — but deterministically, from a hash of the
 * item id and the annotator's name: the same person sees the same order after a reload or on
 * another machine, and two annotators of one item usually see different orders. The judgment
 * records the order shown; the stored ranking always refers to the original response indices.
 *
 * Pure and dependency-free (no node:crypto) so any layer can compute it.
 */
import { seededRandom, shuffled } from '../random/seeded-shuffle';

/** A permutation of 0..responseCount-1: `order[k]` is the response shown in position k. */
export function displayOrder(itemId: string, annotator: string, responseCount: number): number[] {
  // The NUL separator keeps ("ab", "c") and ("a", "bc") apart.
  const random = seededRandom(fnv1a32(`${itemId}\u0000${annotator}`));
  return shuffled(random, Array.from({ length: responseCount }, (_, i) => i));
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

