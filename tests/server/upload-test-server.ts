/**
 * What the upload tests share: a temp folder (the settings home and a stub renderer inside it), a
 * browser-mode Studio, and the real studio server over a socket, with or without an open project.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRouter, type Router } from '../../app/rpc/router';
import { startStudioServer, type StudioServer } from '../../app/server/studio-server';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';

export interface UploadTestServer {
  tmp: string;
  studio: Studio;
  server: StudioServer;
  /** The same router the server mounts, for calling commands (dataset.import) directly. */
  router: Router;
  /** The open project's cache/uploads folder. */
  uploadsDir(): string;
  close(): Promise<void>;
}

/** A temp folder with the settings home and a one-page renderer, for every server of one test file. */
export async function uploadTestFolder(prefix: string): Promise<{ tmp: string; rendererDir: string }> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), prefix));
  process.env.REWARD_STUDIO_HOME = path.join(tmp, 'home');
  const rendererDir = path.join(tmp, 'renderer');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Reward Studio</title>');
  return { tmp, rendererDir };
}

/** A studio server; with `projectName` a project is created and open, else none is. */
export async function startUploadTestServer(
  folder: { tmp: string; rendererDir: string },
  options: { projectName?: string; maxUploadBytes?: number } = {},
): Promise<UploadTestServer> {
  const studio = new Studio({ kind: 'browser' });
  const router = createRouter(createHandlers(studio));
  if (options.projectName !== undefined) studio.createProject(path.join(folder.tmp, 'project'), options.projectName);
  const server = await startStudioServer({
    router,
    events: studio.events,
    projectFile: (relPath) => studio.projectFile(relPath),
    uploadDir: () => studio.uploadsDir(),
    ...(options.maxUploadBytes === undefined ? {} : { maxUploadBytes: options.maxUploadBytes }),
    rendererDir: folder.rendererDir,
    port: 0,
  });
  return {
    tmp: folder.tmp,
    studio,
    server,
    router,
    uploadsDir: () => path.join(studio.projectDir as string, 'cache', 'uploads'),
    async close() {
      await server.close();
      studio.close();
    },
  };
}

export async function removeUploadTestFolder(tmp: string | undefined): Promise<void> {
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
}
