import path from 'node:path';
import { StudioError } from '../errors';
import { ProjectStore } from '../store/project-store';
import { parseCommandArgs } from './cli-args';

export const newHelp = `reward-studio new DIR [--name NAME]

Creates an empty project in DIR (a new or empty folder), named NAME (default: the folder's name).
Then bring data in with "reward-studio import --project DIR FILE", or open DIR in the studio.`;

export async function newCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('new', argv, { name: { type: 'string' } });
  if (values.help) {
    console.log(newHelp);
    return 0;
  }
  const dir = positionals[0];
  if (!dir) throw new StudioError('invalid_input', 'new: DIR is missing.', newHelp);
  const root = path.resolve(dir);
  const store = ProjectStore.create(root, { name: typeof values.name === 'string' ? values.name : path.basename(root) });
  console.log(JSON.stringify(store.summary()));
  store.close();
  console.error(`Created an empty project in ${root}. Next: reward-studio import --project ${JSON.stringify(root)} FILE`);
  return 0;
}
