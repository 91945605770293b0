/**
 * How a list follows its `on…Changed` event: the entry with the same id is replaced in place, a new
 * one goes first (lists are newest first). Returns a new array, as React state needs.
 */
export function upsertById<T extends { id: number }>(list: readonly T[], next: T): T[] {
  const index = list.findIndex((entry) => entry.id === next.id);
  if (index < 0) return [next, ...list];
  const copy = [...list];
  copy[index] = next;
  return copy;
}
