import path from 'node:path';
import { createSampleProject } from '../sample/create-sample-project';
import { StudioError } from '../errors';
import { intOption, parseCommandArgs } from './cli-args';

export const sampleProjectHelp = `reward-studio sample-project DIR [--items 240] [--seed 7]

Creates the sample project (colour-shape images, a third of the items already judged) in DIR.`;

export async function sampleProjectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('sample-project', argv, { items: { type: 'string' }, seed: { type: 'string' } });
  if (values.help) {
    console.log(sampleProjectHelp);
    return 0;
  }
  const dir = positionals[0];
  if (!dir) throw new StudioError('invalid_input', 'sample-project: DIR is missing.', sampleProjectHelp);
  const store = await createSampleProject(path.resolve(dir), {
    items: intOption('sample-project', 'items', values.items, 240),
    seed: intOption('sample-project', 'seed', values.seed, 7),
  });
  console.log(JSON.stringify(store.summary()));
  store.close();
  return 0;
}
