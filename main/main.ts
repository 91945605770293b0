/**
 * Electron main process: thin glue. The studio itself (projects, import, export, training) is
 * app/'s Studio, exactly as `reward-studio serve` runs it; this file only adds a window,
 * native dialogs, a menu, the two app protocols and the IPC binding of the contract.
 */
import { app, BrowserWindow, Menu, nativeTheme } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRouter } from '../app/rpc/router';
import { createHandlers } from '../app/studio/create-handlers';
import { Studio } from '../app/studio/studio';
import { APP_ORIGIN, handleAppProtocols, registerSchemesAsPrivileged, rendererDirIn } from './app-protocol';
import { pickPathWithDialog } from './dialogs';
import { bindContractToIpc } from './ipc-binding';
import { buildApplicationMenu } from './menu';
import { hardenAllWebContents } from './security';

const here = path.dirname(fileURLToPath(import.meta.url));
const studio = new Studio({ kind: 'electron', pickPath: pickPathWithDialog });

registerSchemesAsPrivileged();
hardenAllWebContents();

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Reward Studio',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#111318' : '#f7f8fa',
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  handleAppProtocols(rendererDirIn(app.getAppPath()), (relPath) => studio.projectFile(relPath));
  bindContractToIpc(createRouter(createHandlers(studio)), studio.events);
  Menu.setApplicationMenu(buildApplicationMenu(studio));
  try {
    await studio.openStartupProject(process.env.REWARD_STUDIO_PROJECT);
  } catch (error) {
    // The window still opens: its welcome screen lets the person pick another project.
    console.error('reward-studio: could not open the startup project:', error);
  }
  createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('before-quit', () => studio.close());

if (!app.requestSingleInstanceLock()) app.quit();
else void start();
