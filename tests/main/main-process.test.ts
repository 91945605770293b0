/**
 * The desktop side without the Electron binary (issue #13 item 8): main/main.ts runs as Electron
 * would run it, with only the `electron` module replaced (tests/main/fake-electron.ts records what
 * main/ hands to it). The project folder, app/'s studio, the renderer files, the symlinks and the
 * `serve` server compared against are all real.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { createRouter } from '../../app/rpc/router';
import { generateSampleData } from '../../app/sample/generate-sample-data';
import { startStudioServer, type StudioServer } from '../../app/server/studio-server';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import * as electron from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECRET = 'outside-the-project-secret';
const SQLITE_MAGIC = 'SQLite format 3';

let tmp: string;
let projectDir: string;
let appDir: string;
let rendererDir: string;
let mediaFile: string; // project-relative, e.g. media/ab/<hash>.png
let window: electron.BrowserWindow;
let serveStudio: Studio;
let serve: StudioServer;
const savedEnv = { home: process.env.REWARD_STUDIO_HOME, project: process.env.REWARD_STUDIO_PROJECT };

async function firstFile(dir: string): Promise<string> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) return path.join(entry.parentPath, entry.name);
  }
  throw new Error(`no file under ${dir}`);
}

/** GET /files/<rel> from the real `serve` server, the target sent as is (no client-side normalisation). */
function serveGet(target: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: serve.port, path: target, headers: { authorization: `token ${serve.token}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function body(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'rs-main-'));
  process.env.REWARD_STUDIO_HOME = path.join(tmp, 'home');
  await writeFile(path.join(tmp, 'secret.txt'), SECRET);

  // A real project with real imported images.
  projectDir = path.join(tmp, 'project');
  const data = await generateSampleData(path.join(tmp, 'data'), { items: 2, seed: 8 });
  const setup = new Studio({ kind: 'browser' });
  setup.createProject(projectDir, 'Main process');
  await importDataset(setup.project(), data.allFile);
  setup.close();
  mediaFile = path.relative(projectDir, await firstFile(path.join(projectDir, 'media'))).split(path.sep).join('/');
  // Symlinks a hostile dataset or a careless person could leave in media/.
  await symlink(path.join(projectDir, 'project.sqlite'), path.join(projectDir, 'media', 'db-link.png'));
  await symlink('../project.sqlite', path.join(projectDir, 'media', 'db-relative-link.png'));
  await symlink(path.join(tmp, 'secret.txt'), path.join(projectDir, 'media', 'outside-link.png'));
  await symlink(projectDir, path.join(projectDir, 'media', 'project-link'));
  await symlink(tmp, path.join(projectDir, 'cache', 'tmp-link'));

  // The app folder Electron reports: the built renderer under dist/renderer, a secret beside it.
  appDir = path.join(tmp, 'app');
  rendererDir = path.join(appDir, 'dist', 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  const builtIndex = path.join(repo, 'dist', 'renderer', 'index.html');
  await copyFile(existsSync(builtIndex) ? builtIndex : path.join(repo, 'renderer', 'index.html'), path.join(rendererDir, 'index.html'));
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("renderer");');
  await writeFile(path.join(appDir, 'secret.txt'), SECRET);
  await symlink(path.join(tmp, 'secret.txt'), path.join(rendererDir, 'assets', 'outside-link.js'));

  // Start main/ exactly as Electron would: import it, then become ready.
  electron.app.appPath = appDir;
  process.env.REWARD_STUDIO_PROJECT = projectDir;
  await import('../../main/main');
  electron.app.makeReady();
  await vi.waitFor(() => expect(electron.BrowserWindow.all).toHaveLength(1), { timeout: 30_000 });
  window = electron.BrowserWindow.all[0] as electron.BrowserWindow;

  // `reward-studio serve` on the same project, for the same-rules comparison.
  serveStudio = new Studio({ kind: 'browser' });
  serveStudio.openProject(projectDir);
  serve = await startStudioServer({
    router: createRouter(createHandlers(serveStudio)),
    events: serveStudio.events,
    projectFile: (relPath) => serveStudio.projectFile(relPath),
    rendererDir,
  });
}, 120_000);

afterAll(async () => {
  electron.app.emit('before-quit'); // main.ts closes its studio here
  await serve?.close();
  serveStudio?.close();
  process.env.REWARD_STUDIO_HOME = savedEnv.home;
  process.env.REWARD_STUDIO_PROJECT = savedEnv.project;
  if (savedEnv.home === undefined) delete process.env.REWARD_STUDIO_HOME;
  if (savedEnv.project === undefined) delete process.env.REWARD_STUDIO_PROJECT;
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the window', () => {
  it('is sandboxed and context-isolated, with no Node in the page and a preload as its only bridge', () => {
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).not.toBe(true);
    expect(prefs.nodeIntegrationInWorker).not.toBe(true);
    expect(prefs.webSecurity).not.toBe(false);
    expect(prefs.allowRunningInsecureContent).not.toBe(true);
    expect(prefs.experimentalFeatures).not.toBe(true);
    expect(prefs.webviewTag).toBe(false);
    expect(typeof prefs.preload).toBe('string');
    expect(path.isAbsolute(prefs.preload as string)).toBe(true);
    // scripts/build-main.mjs bundles main/preload.ts to preload.cjs beside main.mjs.
    expect(path.basename(prefs.preload as string)).toBe('preload.cjs');
  });

  it('loads the renderer from app://studio, not from file:// or http://', () => {
    expect(window.loadedUrls).toEqual(['app://studio/index.html']);
  });

  it('registers app:// and rs-media:// as secure standard schemes that do not bypass the CSP', () => {
    const schemes = electron.protocol.privileged.map((entry) => entry.scheme).sort();
    expect(schemes).toEqual(['app', 'rs-media']);
    for (const { privileges } of electron.protocol.privileged) {
      expect(privileges.standard).toBe(true);
      expect(privileges.secure).toBe(true);
      expect(privileges.bypassCSP).not.toBe(true);
    }
  });

  it('serves a page whose CSP allows scripts from the app itself only', async () => {
    const served = (await body(await electron.protocol.request('app://studio/index.html'))).toString();
    const source = await readFile(path.join(repo, 'renderer', 'index.html'), 'utf8');
    for (const html of [served, source]) {
      const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
      expect(csp, 'index.html carries a CSP meta tag').toBeDefined();
      const directives = new Map(
        (csp as string).split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map((words) => [words[0] as string, words.slice(1)]),
      );
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(directives.get('base-uri')).toEqual(["'none'"]);
      expect(directives.get('frame-src')).toEqual(["'none'"]);
    }
  });
});

describe('navigation and new windows', () => {
  const contents = (): electron.FakeWebContents => window.webContents;

  it('refuses navigation away from app://studio; http(s) links go to the system browser', () => {
    electron.shell.opened.length = 0;
    for (const url of ['https://evil.example/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'rs-media://project/' + mediaFile, 'app://evil/index.html', 'app://studio.evil.example/', 'app://user@studio/', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'not a url']) {
      expect(contents().fire('will-navigate', url).defaultPrevented, url).toBe(true);
      expect(contents().fire('will-redirect', url).defaultPrevented, url).toBe(true);
    }
    expect(electron.shell.opened).toEqual(['https://evil.example/', 'http://127.0.0.1:8080/']);
  });

  it('lets the app navigate within app://studio', () => {
    // Before the fix every URL was refused: Node's URL gives app: (not a special scheme) the origin "null".
    for (const url of ['app://studio/index.html', 'app://studio/index.html#/annotate', 'app://studio/']) {
      expect(contents().fire('will-navigate', url).defaultPrevented, url).toBe(false);
    }
  });

  it('denies every window.open, sending http(s) ones to the system browser', () => {
    electron.shell.opened.length = 0;
    const handler = contents().windowOpenHandler;
    expect(handler).not.toBeNull();
    for (const url of ['https://docs.example/', 'app://studio/index.html', 'file:///etc/passwd', 'javascript:alert(1)', 'about:blank']) {
      expect(handler?.({ url }), url).toEqual({ action: 'deny' });
    }
    expect(electron.shell.opened).toEqual(['https://docs.example/']);
  });

  it('refuses <webview> and every permission request', () => {
    expect(contents().fire('will-attach-webview', {}, {}).defaultPrevented).toBe(true);
    const answers: boolean[] = [];
    contents().session.permissionRequestHandler?.(contents(), 'media', (granted: boolean) => answers.push(granted));
    contents().session.permissionRequestHandler?.(contents(), 'notifications', (granted: boolean) => answers.push(granted));
    expect(answers).toEqual([false, false]);
    expect(contents().session.permissionCheckHandler?.(contents(), 'clipboard-read')).toBe(false);
  });

  it('hardens every webContents Electron creates, not only the main window', () => {
    const other = new electron.BrowserWindow({});
    other.destroyed = true; // out of getAllWindows() for the IPC tests
    expect(other.webContents.fire('will-navigate', 'https://evil.example/').defaultPrevented).toBe(true);
    expect(other.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('app://studio serves the built renderer and nothing else', () => {
  it('serves index.html and assets', async () => {
    const index = await electron.protocol.request('app://studio/');
    expect(index.status).toBe(200);
    expect((await body(index)).equals(await readFile(path.join(rendererDir, 'index.html')))).toBe(true);
    const asset = await electron.protocol.request('app://studio/assets/app.js');
    expect(asset.status).toBe(200);
    expect((await body(asset)).toString()).toBe('console.log("renderer");');
  });

  it('refuses traversal, encoded or not, and symlinks out of the renderer folder', async () => {
    for (const target of [
      'app://studio/../secret.txt',
      'app://studio/../../secret.txt',
      'app://studio/%2e%2e/secret.txt',
      'app://studio/..%2fsecret.txt',
      'app://studio/assets/..%2f..%2fsecret.txt',
      'app://studio/%2e%2e%2fsecret.txt',
      'app://studio/assets%2f%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://studio/..%5csecret.txt',
      'app://studio/%2fetc%2fpasswd',
      'app://studio/assets/outside-link.js',
      'app://studio/assets/app.js%00.png',
      'app://studio/%E0%A4%A',
      'app://evil/index.html',
    ]) {
      const response = await electron.protocol.request(target);
      const text = (await body(response)).toString();
      expect(response.status, target).toBe(404);
      expect(text, target).not.toContain(SECRET);
    }
  });
});

describe('rs-media://project serves media/ and cache/ of the open project, by the rules `serve` uses', () => {
  it('uses app/\'s rules, not a copy: resolveInside for app://, studio.projectFile (lookUpProjectFile) for rs-media://', async () => {
    const protocolSource = await readFile(path.join(repo, 'main', 'app-protocol.ts'), 'utf8');
    const mainSource = await readFile(path.join(repo, 'main', 'main.ts'), 'utf8');
    expect(protocolSource).toMatch(/import \{ resolveInside \} from '\.\.\/app\/server\/confined-path'/);
    expect(mainSource).toContain('handleAppProtocols(rendererDirIn(app.getAppPath()), (relPath) => studio.projectFile(relPath))');
    // No confinement logic of its own in main/.
    for (const file of await readdir(path.join(repo, 'main'))) {
      const text = await readFile(path.join(repo, 'main', file), 'utf8');
      expect(text, file).not.toMatch(/realpath|lstat|decodeURIComponent|'\.\.'/);
    }
  });

  it('serves a project image, byte for byte what `serve` sends for /files/', async () => {
    const media = await electron.protocol.request(`rs-media://project/${mediaFile}`);
    expect(media.status).toBe(200);
    const bytes = await body(media);
    expect(bytes.equals(await readFile(path.join(projectDir, mediaFile)))).toBe(true);
    const served = await serveGet(`/files/${mediaFile}`);
    expect(served.status).toBe(200);
    expect(served.body.equals(bytes)).toBe(true);
  });

  it('sends the headers `serve` sends: project files never run as a page, non-images download', async () => {
    await writeFile(path.join(projectDir, 'cache', 'page.html'), '<script>window.rewardStudio.invoke("projects.open", {dir: "/"})</script>');
    for (const relPath of [mediaFile, 'cache/page.html']) {
      const media = await electron.protocol.request(`rs-media://project/${relPath}`);
      const served = await new Promise<Headers>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port: serve.port, path: `/files/${relPath}`, headers: { authorization: `token ${serve.token}` } }, (response) => {
          response.resume();
          resolve(new Headers(response.headers as Record<string, string>));
        }).on('error', reject).end();
      });
      expect(media.status, relPath).toBe(200);
      expect(media.headers.get('content-security-policy'), relPath).toMatch(/\bsandbox\b/);
      expect(media.headers.get('content-security-policy'), relPath).toBe(served.get('content-security-policy'));
      expect(media.headers.get('content-disposition'), relPath).toBe(served.get('content-disposition'));
    }
    expect((await electron.protocol.request('rs-media://project/cache/page.html')).headers.get('content-disposition')).toBe('attachment');
    expect((await electron.protocol.request(`rs-media://project/${mediaFile}`)).headers.get('content-disposition')).toBeNull();
  });

  const refused = [
    'project.sqlite',
    'project.sqlite-wal',
    'runs/',
    'evaluations/x',
    'media/../project.sqlite',
    'media/%2e%2e/project.sqlite',
    'media/..%2fproject.sqlite',
    'media/%2e%2e%2fproject.sqlite',
    'media%2f..%2fproject.sqlite',
    'cache/..%2f..%2fsecret.txt',
    'media/..%5cproject.sqlite',
    'media/%2fetc%2fpasswd',
    'media/x%00.png',
    'media/%E0%A4%A',
    'media/db-link.png',
    'media/db-relative-link.png',
    'media/outside-link.png',
    'media/project-link/project.sqlite',
    'cache/tmp-link/secret.txt',
    'cache/tmp-link/project/project.sqlite',
  ];

  it.each(refused)('refuses %s, as `serve` does', async (relPath) => {
    const response = await electron.protocol.request(`rs-media://project/${relPath}`);
    const text = (await body(response)).toString('latin1');
    expect(response.status, relPath).toBeGreaterThanOrEqual(400);
    expect(text).not.toContain(SQLITE_MAGIC);
    expect(text).not.toContain(SECRET);

    const served = await serveGet(`/files/${relPath}`);
    expect(served.status, relPath).toBeGreaterThanOrEqual(400);
    expect(served.body.toString('latin1')).not.toContain(SQLITE_MAGIC);
    expect(served.body.toString('latin1')).not.toContain(SECRET);
    // Where the path stays under /files/ after URL normalisation, both hosts ask the same function
    // the same question and must give the same answer; literal `..` that leaves /files/ reaches
    // serve's renderer route instead (404 there).
    if (new URL(`http://x/files/${relPath}`).pathname.startsWith('/files/')) {
      expect(response.status, relPath).toBe(served.status);
      expect(text, relPath).toBe(served.body.toString('latin1'));
    }
  });

  it('answers another host with 404', async () => {
    expect((await electron.protocol.request(`rs-media://evil/${mediaFile}`)).status).toBe(404);
  });
});

describe('the IPC binding', () => {
  type Invoke = (event: unknown, name: unknown, input: unknown) => Promise<{ ok: boolean; result?: any; error?: { code: string } }>;
  const invoke = (name: unknown, input?: unknown) => (electron.ipcMain.handlers.get('studio:invoke') as Invoke)({ sender: window.webContents }, name, input);

  it('registers one channel only', () => {
    expect([...electron.ipcMain.handlers.keys()]).toEqual(['studio:invoke']);
  });

  it('runs a contract command against the real studio', async () => {
    const reply = await invoke('projects.current', {});
    expect(reply.ok).toBe(true);
    expect(reply.result?.dir).toBe(projectDir);
  });

  it('refuses names outside the contract', async () => {
    for (const name of ['fs.readFile', 'projects', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 42, null, undefined, { toString: () => 'projects.current' }]) {
      const reply = await invoke(name, {});
      expect(reply.ok, String(name)).toBe(false);
      expect(reply.error?.code, String(name)).toBe('not_found');
    }
  });

  it('validates the input of a contract command', async () => {
    for (const input of [{ dir: 5 }, { dir: '' }, { dir: '   ' }, {}, 'a string', [projectDir], { dir: ['x'] }]) {
      const reply = await invoke('projects.open', input);
      expect(reply.ok, JSON.stringify(input)).toBe(false);
      expect(reply.error?.code, JSON.stringify(input)).toBe('invalid_input');
    }
  });

  it('pushes studio events to the window on the event channel', async () => {
    window.webContents.sent.length = 0;
    const reply = await invoke('projects.open', { dir: projectDir });
    expect(reply.ok).toBe(true);
    expect(window.webContents.sent.some(([channel, name]) => channel === 'studio:event' && name === 'projects.onChanged')).toBe(true);
  });
});

describe('the preload', () => {
  it('exposes only window.rewardStudio with invoke and subscribe on the two studio channels', async () => {
    await import('../../main/preload');
    expect([...electron.contextBridge.exposed.keys()]).toEqual(['rewardStudio']);
    const bridge = electron.contextBridge.exposed.get('rewardStudio') as {
      host: string;
      invoke: (name: string, input: unknown) => Promise<unknown>;
      subscribe: (listener: (name: string, payload: unknown) => void) => () => void;
    };
    expect(Object.keys(bridge).sort()).toEqual(['host', 'invoke', 'subscribe']);
    expect(bridge.host).toBe('electron');

    await bridge.invoke('projects.current', {});
    expect(electron.ipcRenderer.invoked.at(-1)).toEqual(['studio:invoke', 'projects.current', {}]);

    const received: unknown[] = [];
    const stop = bridge.subscribe((name, payload) => received.push([name, payload]));
    expect(electron.ipcRenderer.eventNames()).toEqual(['studio:event']);
    electron.ipcRenderer.emit('studio:event', {}, 'projects.onChanged', null);
    stop();
    electron.ipcRenderer.emit('studio:event', {}, 'projects.onChanged', 1);
    expect(received).toEqual([['projects.onChanged', null]]);
    expect(electron.ipcRenderer.eventNames()).toEqual([]);
  });
});
