/**
 * A stand-in for the `electron` module, holding only what main/ uses, for tests that run main/
 * without the Electron binary (it cannot be installed here). It records what main/ hands to
 * Electron — window options, webContents listeners, protocol handlers, IPC handlers, the menu —
 * so a test can call those exactly as Electron would. Everything behind them (app/, the project
 * folder, files, symlinks) is real. `net.fetch` of a file:// URL reads the real file, as
 * Electron's does.
 *
 * Used only through `vi.mock('electron', () => import('./fake-electron'))`.
 */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

type Listener = (...args: any[]) => unknown;

/** A listener's `event` argument: records preventDefault, as Electron's does. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

// ---------------------------------------------------------------- app

class FakeApp extends EventEmitter {
  appPath = '/nonexistent-app-path';
  quitCalls = 0;
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((resolve) => {
    this.readyResolve = resolve;
  });
  whenReady(): Promise<void> {
    return this.ready;
  }
  /** Test side: what Electron does once it has started. */
  makeReady(): void {
    this.readyResolve();
  }
  getAppPath(): string {
    return this.appPath;
  }
  getVersion(): string {
    return '0.0.0-test';
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  quit(): void {
    this.quitCalls += 1;
  }
}
export const app = new FakeApp();

// ---------------------------------------------------------------- webContents, BrowserWindow

class FakeSession {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  setPermissionRequestHandler(handler: Listener | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Listener | null): void {
    this.permissionCheckHandler = handler;
  }
}

export class FakeWebContents extends EventEmitter {
  readonly session = new FakeSession();
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  readonly sent: unknown[][] = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  /** Test side: fires `name` as Electron would and says whether a listener called preventDefault. */
  fire(name: string, ...args: unknown[]): FakeEvent {
    const event = new FakeEvent();
    this.emit(name, event, ...args);
    return event;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrls: string[] = [];
  shown = false;
  destroyed = false;
  constructor(readonly options: Record<string, any> = {}) {
    super();
    BrowserWindow.all.push(this);
    // Electron emits this for every webContents it creates, windows' included.
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all.filter((window) => !window.destroyed);
  }
  static getFocusedWindow(): BrowserWindow | null {
    return null;
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export const nativeTheme = { shouldUseDarkColors: false };

// ---------------------------------------------------------------- protocol, net

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

export const protocol = {
  privileged: [] as { scheme: string; privileges: Record<string, boolean> }[],
  handlers: new Map<string, ProtocolHandler>(),
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void {
    protocol.privileged.push(...schemes);
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    if (protocol.handlers.has(scheme)) throw new Error(`protocol.handle: ${scheme} is already handled`);
    protocol.handlers.set(scheme, handler);
  },
  unhandle(scheme: string): void {
    protocol.handlers.delete(scheme);
  },
  /** Test side: a request for `url` as Chromium would route it (the URL parsed as a standard URL). */
  async request(url: string): Promise<Response> {
    const scheme = url.slice(0, url.indexOf(':'));
    const handler = protocol.handlers.get(scheme);
    if (!handler) throw new Error(`no handler for ${scheme}:`);
    return handler(new Request(url));
  },
};

export const net = {
  fetched: [] as string[],
  async fetch(url: string): Promise<Response> {
    net.fetched.push(url);
    if (!url.startsWith('file:')) throw new Error(`fake net.fetch only reads file:// URLs, got ${url}`);
    try {
      return new Response(await readFile(fileURLToPath(url)), { status: 200 });
    } catch {
      return new Response('net::ERR_FILE_NOT_FOUND', { status: 404 });
    }
  },
};

// ---------------------------------------------------------------- shell, dialog, Menu

export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    shell.opened.push(url);
    return Promise.resolve();
  },
};

export const dialog = {
  next: { canceled: true, filePaths: [] as string[], filePath: undefined as string | undefined },
  calls: [] as unknown[][],
  errors: [] as [string, string][],
  showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    dialog.calls.push(['open', ...args]);
    return Promise.resolve({ canceled: dialog.next.canceled, filePaths: dialog.next.filePaths });
  },
  showSaveDialog(...args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> {
    dialog.calls.push(['save', ...args]);
    return Promise.resolve({ canceled: dialog.next.canceled, filePath: dialog.next.filePath });
  },
  showErrorBox(title: string, content: string): void {
    dialog.errors.push([title, content]);
  },
};

export class Menu {
  static application: Menu | null = null;
  constructor(readonly template: unknown[]) {}
  static buildFromTemplate(template: unknown[]): Menu {
    return new Menu(template);
  }
  static setApplicationMenu(menu: Menu | null): void {
    Menu.application = menu;
  }
}

// ---------------------------------------------------------------- IPC (main and preload sides)

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, handler: Listener): void {
    if (ipcMain.handlers.has(channel)) throw new Error(`ipcMain.handle: a handler for '${channel}' is already registered`);
    ipcMain.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    ipcMain.handlers.delete(channel);
  },
};

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    contextBridge.exposed.set(key, api);
  },
};

class FakeIpcRenderer extends EventEmitter {
  readonly invoked: unknown[][] = [];
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, ...args]);
    return Promise.resolve({ channel, args });
  }
}
export const ipcRenderer = new FakeIpcRenderer();

export default {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeTheme,
  net,
  protocol,
  shell,
};
