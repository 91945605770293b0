/**
 * `reward-studio import data/dataset_info.json --dataset dpo_en_demo`: LLaMA-Factory's registry
 * of datasets. An entry names its file (`file_name`, relative to the registry's folder), its
 * `formatting` (alpaca, the default, or sharegpt), whether it is preference data (`ranking`) or
 * KTO (`columns.kto_tag`), and how its columns and message keys are called (`columns`, `tags`).
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { StudioError } from '../../errors';
import { isRecord } from '../parsed-row';
import { requireDataFile } from '../source-rows';
import type { ReadContext } from './format-reader';

export interface DatasetInfoEntry {
  /** The data file the entry names. */
  file: string;
  /** The reader for it. */
  format: string;
  context: ReadContext;
}

export async function resolveDatasetInfoEntry(infoFile: string, name: string): Promise<DatasetInfoEntry> {
  const registry = await readRegistry(infoFile);
  const entry = registry[name];
  if (!isRecord(entry)) {
    const local = Object.entries(registry)
      .filter(([, value]) => isRecord(value) && typeof value.file_name === 'string')
      .map(([key]) => key);
    throw new StudioError(
      'invalid_input',
      `${infoFile} has no dataset named "${name}"`,
      local.length > 0 ? `Datasets with a local file: ${local.slice(0, 30).join(', ')}${local.length > 30 ? ', …' : ''}.` : 'Check the name.',
    );
  }
  if (typeof entry.file_name !== 'string' || entry.file_name === '') {
    const where = typeof entry.hf_hub_url === 'string' ? ` (it lives on the Hugging Face hub: ${entry.hf_hub_url})` : '';
    throw new StudioError(
      'bad_file',
      `dataset "${name}" in ${infoFile} has no local file_name${where}`,
      'Download its file next to dataset_info.json and set "file_name", or import the file directly.',
    );
  }
  const file = isAbsolute(entry.file_name) ? entry.file_name : join(dirname(infoFile), entry.file_name);
  const info = await stat(file).catch(() => null);
  if (info === null) {
    throw new StudioError('bad_file', `dataset "${name}" names ${file}, which does not exist`, 'Put the file beside dataset_info.json, or fix "file_name".');
  }
  if (info.isDirectory()) {
    throw new StudioError('bad_file', `dataset "${name}" names the folder ${file}`, 'Import one of the data files in it directly.');
  }
  const columns = stringMap(entry.columns);
  const tags = stringMap(entry.tags);
  const formatting = entry.formatting === 'sharegpt' ? 'sharegpt' : 'alpaca';
  const format = columns.kto_tag !== undefined ? 'unpaired' : `llamafactory-${formatting}`;
  return { file, format, context: { columns, tags } };
}

async function readRegistry(infoFile: string): Promise<Record<string, unknown>> {
  await requireDataFile(infoFile);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(infoFile, 'utf8')) as unknown;
  } catch (error) {
    throw new StudioError(
      'bad_file',
      `${infoFile} is not a readable dataset_info.json (${error instanceof Error ? error.message : String(error)})`,
      'Give the path of LLaMA-Factory\'s data/dataset_info.json.',
    );
  }
  if (!isRecord(parsed)) throw new StudioError('bad_file', `${infoFile} is not a dataset_info.json (not a JSON object)`, 'Give LLaMA-Factory\'s data/dataset_info.json.');
  return parsed;
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((pair): pair is [string, string] => typeof pair[1] === 'string'));
}
