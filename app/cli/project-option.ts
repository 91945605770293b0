import path from 'node:path';
import { StudioError } from '../errors';
import { ProjectStore } from '../store/project-store';

/** `--project DIR`, defaulting to the current folder, with an error that says what to do. */
export function openProjectOption(command: string, value: string | undefined): ProjectStore {
  const dir = path.resolve(value ?? '.');
  if (!ProjectStore.isProject(dir)) {
    throw new StudioError(
      'not_a_project',
      `${command}: ${dir} is not a Reward Studio project (no project.sqlite).`,
      'Pass --project DIR, or create one with "reward-studio new DIR" (empty) or "reward-studio sample-project DIR", or from the studio.',
    );
  }
  return ProjectStore.open(dir);
}
