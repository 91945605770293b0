/**
 * Multi-select over a virtual list of up to 100k rows, most of which were never loaded: the
 * selection is index ranges (click, shift-click) or "all matching the filters", with single ids
 * toggled on top (ctrl/cmd-click). Ids are resolved only when a bulk action runs.
 */

export interface Selection {
  /** Every item matching the current filters. */
  all: boolean;
  /** Inclusive index ranges, when not `all`. */
  ranges: readonly (readonly [number, number])[];
  /** Ids flipped by ctrl/cmd-click, with the index they had (to count without loading pages). */
  toggled: ReadonlyMap<string, number>;
  /** Where a shift-click range starts. */
  anchor: number | null;
}

export const EMPTY_SELECTION: Selection = { all: false, ranges: [], toggled: new Map(), anchor: null };

function inBase(selection: Selection, index: number): boolean {
  return selection.all || selection.ranges.some(([start, end]) => index >= start && index <= end);
}

export function isSelected(selection: Selection, index: number, id: string | undefined): boolean {
  const base = inBase(selection, index);
  return id !== undefined && selection.toggled.has(id) ? !base : base;
}

export function selectedCount(selection: Selection, total: number): number {
  let count = selection.all ? total : selection.ranges.reduce((sum, [start, end]) => sum + Math.max(0, Math.min(end, total - 1) - start + 1), 0);
  for (const index of selection.toggled.values()) count += inBase(selection, index) ? -1 : 1;
  return Math.max(0, count);
}

export function selectOnly(index: number): Selection {
  return { all: false, ranges: [[index, index]], toggled: new Map(), anchor: index };
}

export function extendTo(selection: Selection, index: number): Selection {
  const anchor = selection.anchor ?? index;
  return { all: false, ranges: [[Math.min(anchor, index), Math.max(anchor, index)]], toggled: new Map(), anchor };
}

export function toggle(selection: Selection, index: number, id: string): Selection {
  const toggled = new Map(selection.toggled);
  if (toggled.has(id)) toggled.delete(id);
  else toggled.set(id, index);
  return { ...selection, toggled, anchor: index };
}

export function selectAll(): Selection {
  return { all: true, ranges: [], toggled: new Map(), anchor: null };
}

/** Index intervals to fetch for a bulk action (half-open), merged and in order. */
export function baseIntervals(selection: Selection, total: number): [number, number][] {
  if (selection.all) return total > 0 ? [[0, total]] : [];
  const sorted = [...selection.ranges].map(([start, end]) => [start, Math.min(end, total - 1) + 1] as [number, number]).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else if (end > start) merged.push([start, end]);
  }
  return merged;
}

/** The final id list: the base ids (resolved from the intervals) with the toggles applied. */
export function applyToggles(selection: Selection, baseIds: readonly { id: string; index: number }[]): string[] {
  const result = new Set<string>();
  for (const { id } of baseIds) if (!selection.toggled.has(id)) result.add(id);
  for (const [id, index] of selection.toggled) if (!inBase(selection, index)) result.add(id);
  return [...result];
}
