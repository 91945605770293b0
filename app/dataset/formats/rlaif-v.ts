/**
 * RLAIF-V / RLHF-V rows (openbmb/RLAIF-V-Dataset, Parquet or JSON Lines): `question`, `chosen`,
 * `rejected` as text and `image`, an HF-datasets image struct `{bytes, path}` or a path. The
 * image goes before the question (unless the question marks its place with `<image>`). Its other
 * columns (`origin_dataset`, `origin_split`, `idx`, `ds_name`, `image_path`) stay as metadata.
 */
import { conversationItem, placeImageTokens } from '../conversation';
import { readId, readImageSources, RowError, type ParsedRow } from '../parsed-row';
import { looks, type FormatReader } from './format-reader';

export const rlaifVReader: FormatReader = {
  name: 'rlaif-v',
  label: 'RLAIF-V (question / chosen / rejected + image)',
  fit: (row) => {
    if (!looks.string(row.question) || !looks.string(row.chosen) || !looks.string(row.rejected)) return 0;
    return row.image !== undefined && row.image !== null ? 1 : 0.85;
  },
  parse: (row) => parseRlaifVRow(row),
  consumedKeys: () => ['id', 'question', 'chosen', 'rejected', 'image'],
};

export function parseRlaifVRow(row: Record<string, unknown>): ParsedRow {
  if (typeof row.question !== 'string' || row.question.trim() === '') {
    throw new RowError('field "question" is missing or empty; RLAIF-V rows need the question asked about the image');
  }
  for (const field of ['chosen', 'rejected'] as const) {
    if (typeof row[field] !== 'string') throw new RowError(`field "${field}" must be the response text (a string)`);
  }
  const images = readImageSources(row.image, 'image');
  return conversationItem({
    id: readId(row),
    idPrefix: 'rlaifv',
    prompt: placeImageTokens([{ role: 'user', content: row.question }], images.length),
    responses: [row.chosen as string, row.rejected as string],
    ranking: [0, 1],
    images,
    responseNames: ['chosen', 'rejected'],
  });
}
