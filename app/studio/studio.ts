/**
 * The studio session: which project is open, the event bus, and the host's native abilities
 * (file dialogs exist only in Electron). One instance per process; both transports share it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import { markInterruptedImports } from '../dataset/import-dataset';
import { EvaluationManager } from '../evaluation/evaluation-manager';
import { EventBus } from '../rpc/event-bus';
import { createSampleProject } from '../sample/create-sample-project';
import { UPLOADS_DIR } from '../store/project-layout';
import { ProjectStore } from '../store/project-store';
import { addRecentProject, readRecentProjects, settingsDir } from '../store/recent-projects';
import type { ProjectSummary } from '../store/types';
import { ScoringSession } from '../scoring/scoring-session';
import { trainingPython } from '../environment/python-interpreter';
import { RunManager, type RunManagerOptions } from '../runs/run-manager';
import { Team } from '../team/team';
import { ExportDownloads } from './export-downloads';
import { lookUpProjectFile, type ProjectFileLookup } from './project-files';

export interface PickPathRequest {
  kind: 'open-file' | 'save-file' | 'open-directory';
  title?: string;
  defaultPath?: string;
  filters?: { name: string; extensions: string[] }[];
}

export interface StudioHost {
  kind: 'electron' | 'browser';
  /** Native dialogs; absent in the browser, where the UI shows path fields instead. */
  pickPath?: (request: PickPathRequest) => Promise<string | null>;
}

export const SAMPLE_PROJECT_FOLDER = 'sample-project';

/** Run manager settings a host or a test may change (the project and event bus come from the studio). */
export type RunManagerSettings = Omit<RunManagerOptions, 'store' | 'events'>;

export class Studio {
  readonly events = new EventBus();
  /** Exports of this session a browser may fetch from `serve` (GET /download/<id>). */
  readonly downloads = new ExportDownloads();
  private store: ProjectStore | null = null;
  private runManager: RunManager | null = null;
  private scoringSession: ScoringSession | null = null;
  private evaluationManager: EvaluationManager | null = null;
  private teamOfProject: Team | null = null;
  private readonly running = new Set<string>();

  constructor(
    readonly host: StudioHost,
    private readonly runSettings: RunManagerSettings = {},
  ) {}

  /** The open project's run manager (one per open project; see app/runs/README.md). */
  runs(): RunManager {
    this.project();
    return this.runManager as RunManager;
  }

  /** The warm scorer and the reward-model HTTP API of the open project (app/scoring/scoring-session.ts). */
  scoring(): ScoringSession {
    const dir = this.project().dir;
    this.scoringSession ??= new ScoringSession({ projectDir: dir, runs: () => this.runs(), python: () => this.python(), events: this.events });
    return this.scoringSession;
  }

  /**
   * The open project's evaluation manager (app/evaluation/README.md), made on first use; making it
   * marks evaluations a previous studio left running as failed and starts queued ones.
   */
  evaluations(): EvaluationManager {
    const store = this.project();
    if (!this.evaluationManager) {
      this.evaluationManager = new EvaluationManager({ store, events: this.events, python: () => this.python() });
      this.evaluationManager.resume().catch((error: unknown) => console.error('reward-studio: resuming evaluations failed:', error));
    }
    return this.evaluationManager;
  }

  /** The open project's team: members, guidelines, the assignment plan (app/team/README.md). */
  team(): Team {
    const store = this.project();
    this.teamOfProject ??= new Team(store);
    return this.teamOfProject;
  }

  /** The open project's team, or null with none open (the server asks on every member request). */
  teamIfOpen(): Team | null {
    return this.store === null ? null : this.team();
  }

  /** The interpreter the worker runs with (the run settings' override, else the user's choice or .venv). */
  python(): string {
    return (this.runSettings.python ?? trainingPython)();
  }

  get projectDir(): string | null {
    return this.store?.dir ?? null;
  }

  /** A file of the open project for an <img>: media/ and cache/ only (see project-files.ts). */
  projectFile(relPath: string): Promise<ProjectFileLookup> {
    return lookUpProjectFile(this.store, relPath);
  }

  /** Where browser uploads of dataset files go: `<project>/cache/uploads`, or null with no project open. */
  uploadsDir(): string | null {
    return this.store ? path.join(this.store.dir, UPLOADS_DIR) : null;
  }

  /** The open project, or an error that tells the person to open one. */
  project(): ProjectStore {
    if (!this.store) {
      throw new StudioError('no_project', 'No project is open.', 'Open a project folder, create a new one, or open the sample project.');
    }
    return this.store;
  }

  currentSummary(): ProjectSummary | null {
    return this.store?.summary() ?? null;
  }

  openProject(dir: string): ProjectSummary {
    return this.switchTo(ProjectStore.open(path.resolve(dir)));
  }

  createProject(dir: string, name?: string): ProjectSummary {
    const absolute = path.resolve(dir);
    return this.switchTo(ProjectStore.create(absolute, { name: name ?? path.basename(absolute) }));
  }

  sampleProjectDir(): string {
    return path.join(settingsDir(), SAMPLE_PROJECT_FOLDER);
  }

  /** Opens the sample project, generating it the first time (a few seconds of image rendering). */
  async openSampleProject(): Promise<ProjectSummary> {
    const dir = this.sampleProjectDir();
    if (ProjectStore.isProject(dir)) return this.openProject(dir);
    if (existsSync(dir)) {
      throw new StudioError('already_exists', `${dir} exists but is not a Reward Studio project.`, 'Move that folder away and open the sample project again.');
    }
    return this.switchTo(await createSampleProject(dir));
  }

  /**
   * What a fresh start shows: the given folder, else the most recent project, else the sample
   * project (generated on the very first start so every screen has something to show).
   */
  async openStartupProject(dir?: string): Promise<ProjectSummary> {
    if (dir) return this.openProject(dir);
    const recent = readRecentProjects()[0];
    return recent ? this.openProject(recent.dir) : this.openSampleProject();
  }

  /** Tells every window that counts changed (after imports, edits, splits). */
  projectChanged(): ProjectSummary | null {
    const summary = this.currentSummary();
    this.events.emit('projects.onChanged', summary);
    return summary;
  }

  /**
   * Runs long work that must not overlap itself (two imports into one project would race on
   * duplicate detection); a second request gets a clear "busy" error instead of waiting silently.
   */
  async exclusive<T>(task: string, work: () => Promise<T>): Promise<T> {
    if (this.running.has(task)) {
      throw new StudioError('busy', `An ${task} is already running in this project.`, 'Wait for it to finish, then try again.');
    }
    this.running.add(task);
    try {
      return await work();
    } finally {
      this.running.delete(task);
    }
  }

  /** Closing stops following runs, never the runs: workers keep training and are picked up on the next open. */
  close(): void {
    this.closeScoring();
    this.closeEvaluations();
    this.runManager?.detach();
    this.runManager = null;
    this.teamOfProject = null;
    this.store?.close();
    this.store = null;
  }

  /** Checkpoint ids belong to one project: its loaded models and API server end with it. */
  private closeScoring(): void {
    const session = this.scoringSession;
    this.scoringSession = null;
    session?.close().catch((error: unknown) => console.error('reward-studio: closing the scoring models failed:', error));
  }

  /** A running evaluation's worker ends with its project (its row says so). */
  private closeEvaluations(): void {
    this.evaluationManager?.detach();
    this.evaluationManager = null;
  }

  private switchTo(store: ProjectStore): ProjectSummary {
    if (this.running.size > 0 && this.store && this.store.dir !== store.dir) {
      store.close();
      throw new StudioError('busy', `Cannot switch projects while ${[...this.running].join(', ')} runs.`, 'Wait for it to finish.');
    }
    if (this.store !== store) {
      this.closeScoring();
      this.closeEvaluations();
      this.runManager?.detach();
      this.runManager = null;
      this.teamOfProject = null;
      this.store?.close();
    }
    this.store = store;
    // An import killed with its studio would otherwise stay unfinished in Past imports forever.
    markInterruptedImports(store);
    if (!this.runManager) {
      this.runManager = new RunManager({ ...this.runSettings, store, events: this.events });
      const manager = this.runManager;
      // Reattaching reads every active run's metrics.sqlite; a damaged one must not stop the project opening.
      manager.resume().catch((error: unknown) => console.error('reward-studio: resuming runs failed:', error));
    }
    addRecentProject(store.dir, store.name);
    return this.projectChanged() as ProjectSummary;
  }
}
