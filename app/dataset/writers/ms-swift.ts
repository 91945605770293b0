/**
 * ms-swift's RLHF/RM JSONL (`swift rlhf --rlhf_type rm`): `messages` ending with the chosen
 * assistant turn, `rejected_response` as text, `images` with `<image>` where each stands,
 * `tools` as JSON text, roles `tool_call` / `tool_response`, and `margin` (ms-swift's RM loss
 * subtracts it).
 */
import { orderedPairs, promptMessages, storedTools } from '../export-rows';
import { droppedMetadata, taggedText, type FormatWriter } from './format-writer';

/** Canonical role → ms-swift role (the rest are spelled the same). */
const SWIFT_ROLE: Record<string, string> = { tool: 'tool_response' };

export interface SwiftMessage {
  role: string;
  content: string;
}

export interface SwiftRow {
  id: string;
  messages: SwiftMessage[];
  rejected_response: string;
  images?: string[];
  tools?: string;
  margin?: number;
}

export const msSwiftWriter: FormatWriter = {
  container: () => 'jsonl',
  writesUnlabeled: false,
  rows: (item, imagePaths) => {
    const prompt = promptMessages(item, imagePaths.length).map(
      (message): SwiftMessage => ({ role: SWIFT_ROLE[message.role] ?? message.role, content: taggedText(message.content) }),
    );
    const { pairs, ties } = orderedPairs(item);
    const tools = storedTools(item);
    const rows = pairs.map((pair): SwiftRow => {
      const row: SwiftRow = {
        id: pair.id,
        messages: [...prompt, { role: 'assistant', content: item.responses[pair.chosen] ?? '' }],
        rejected_response: item.responses[pair.rejected] ?? '',
      };
      if (imagePaths.length > 0) row.images = imagePaths;
      if (tools !== null) row.tools = JSON.stringify(tools);
      if (item.margin !== null) row.margin = item.margin;
      return row;
    });
    return { rows: rows as unknown as Record<string, unknown>[], ties, dropped: droppedMetadata(item, 'ms-swift') };
  },
};
