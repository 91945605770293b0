import { createHash } from 'node:crypto';

/**
 * The identity of an item's content: what makes a row with an existing id "the same item".
 * Labels are not part of it (they are judgments, which can change without the item changing).
 */
export function itemContentHash(
  query: string,
  promptJson: string | null,
  imageShas: string[],
  responses: string[],
  toolsJson: string | null = null,
): string {
  // Tools joined the content later: items without tools keep the hash they always had.
  const parts: unknown[] = toolsJson === null ? [query, promptJson, imageShas, responses] : [query, promptJson, imageShas, responses, toolsJson];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
