import { createHash } from 'node:crypto';

/**
 * The identity of an item's content: what makes a row with an existing id "the same item".
 * Labels are not part of it (they are judgments, which can change without the item changing).
 */
export function itemContentHash(query: string, promptJson: string | null, imageShas: string[], responses: string[]): string {
  return createHash('sha256').update(JSON.stringify([query, promptJson, imageShas, responses])).digest('hex');
}
