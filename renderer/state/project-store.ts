/**
 * The open project's summary (counts, splits, annotators) and the host environment. Filled by
 * `projects.current` at startup and kept fresh by `projects.onChanged`, so every view reads the
 * same numbers without refetching.
 */
import { create } from 'zustand';
import type { EnvironmentInfo, ProjectSummary } from '../client/contract-types';

interface ProjectState {
  /** False until the first `projects.current` answer: the shell shows a quiet loading state. */
  loaded: boolean;
  project: ProjectSummary | null;
  environment: EnvironmentInfo | null;
  /** Bumped when the project's content changes, so lists refetch. */
  revision: number;
  setProject(project: ProjectSummary | null): void;
  setEnvironment(environment: EnvironmentInfo): void;
}

export const useProjectStore = create<ProjectState>((set) => ({
  loaded: false,
  project: null,
  environment: null,
  revision: 0,
  setProject: (project) => set((state) => ({ loaded: true, project, revision: state.revision + 1 })),
  setEnvironment: (environment) => set({ environment }),
}));
