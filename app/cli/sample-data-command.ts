import path from 'node:path';
import { generateSampleData } from '../sample/generate-sample-data';
import { intOption, numberOption, parseCommandArgs } from './cli-args';
import { StudioError } from '../errors';

export const sampleDataHelp = `reward-studio sample-data OUT_DIR [--items 240] [--seed 7] [--val-ratio 0.2]

Writes the synthetic colour-shape preference set: OUT_DIR/all.jsonl, train.jsonl and
val.jsonl (seed format, image paths relative to the file) and OUT_DIR/images/*.png.`;

export async function sampleDataCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('sample-data', argv, {
    items: { type: 'string' },
    seed: { type: 'string' },
    'val-ratio': { type: 'string' },
  });
  if (values.help) {
    console.log(sampleDataHelp);
    return 0;
  }
  const outDir = positionals[0];
  if (!outDir) throw new StudioError('invalid_input', 'sample-data: OUT_DIR is missing.', sampleDataHelp);
  const result = await generateSampleData(path.resolve(outDir), {
    items: intOption('sample-data', 'items', values.items, 240),
    seed: intOption('sample-data', 'seed', values.seed, 7),
    valRatio: numberOption('sample-data', 'val-ratio', values['val-ratio'], 0.2),
  });
  console.log(JSON.stringify(result));
  return 0;
}
