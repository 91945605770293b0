/**
 * Rejected rows counted by reason, so 300 rows failing the same way read as one line with a
 * count and the first few line numbers, not 300 lines. A reason's group is its text with the
 * row-specific parts (numbers, quoted ids and names) blanked.
 */
import type { ImportReasonGroup, ImportRowError } from './types';

const LINES_PER_REASON = 5;

export class ReasonTally {
  private readonly groups = new Map<string, ImportReasonGroup>();
  total = 0;

  add(error: ImportRowError): void {
    this.total += 1;
    const key = reasonKey(error.reason);
    const group = this.groups.get(key);
    if (group === undefined) {
      this.groups.set(key, { reason: key, count: 1, lines: [error.line], example: error.message });
      return;
    }
    group.count += 1;
    if (group.lines.length < LINES_PER_REASON) group.lines.push(error.line);
  }

  list(): ImportReasonGroup[] {
    return [...this.groups.values()];
  }
}

/** Most frequent reason first; equal counts keep the order they were first seen in. */
export function groupReasons(tally: ReasonTally): ImportReasonGroup[] {
  return tally
    .list()
    .map((group, order) => ({ group, order }))
    .sort((a, b) => b.group.count - a.group.count || a.order - b.order)
    .map(({ group }) => group);
}

/** `duplicate id "a7" … (first seen at line 12)` → `duplicate id "…" … (first seen at line N)`. */
export function reasonKey(reason: string): string {
  return reason
    .replace(/\bid "(?:[^"\\]|\\.)*"/g, 'id "…"')
    .replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => (quoted.length > 2 && /^"[a-z_]+"$/.test(quoted) ? quoted : '"…"'))
    .replace(/\b\d+(\.\d+)?\b/g, 'N');
}
