import { z } from 'zod';
import type { ProjectSummary, RecentProject } from '../store/types';
import { command, event } from './define';

const projectDir = z.string().trim().min(1, 'Choose a project folder.');

export const projectCommands = {
  /** The open project, or null when none is open (the home screen then offers to open one). */
  'projects.current': command<ProjectSummary | null>()(z.object({})),
  'projects.open': command<ProjectSummary>()(z.object({ dir: projectDir })),
  'projects.create': command<ProjectSummary>()(
    z.object({ dir: projectDir, name: z.string().trim().min(1).max(200).optional() }),
  ),
  /** Opens the bundled sample project, generating it on first use. */
  'projects.openSample': command<ProjectSummary>()(z.object({})),
  'projects.recent': command<RecentProject[]>()(z.object({})),
};

export const projectEvents = {
  /** The open project changed (opened, switched, or its counts changed after an import or edit). */
  'projects.onChanged': event<ProjectSummary | null>(),
};
