import { trlLines } from '../export-rows';
import { droppedMetadata, type FormatWriter } from './format-writer';

/**
 * TRL conversational preference JSONL: `chosen`/`rejected` full conversations (implicit prompt),
 * `images`, `tools` (JSON text, as TRL's RewardTrainer reads it) and `margin`.
 */
export const trlWriter: FormatWriter = {
  container: () => 'jsonl',
  writesUnlabeled: false,
  rows: (item, imagePaths) => {
    const { lines, ties } = trlLines(item, imagePaths);
    return { rows: lines.map((line) => ({ ...line })), ties, dropped: droppedMetadata(item, 'TRL') };
  },
};
