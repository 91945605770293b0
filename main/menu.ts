import { app, dialog, Menu, type MenuItemConstructorOptions } from 'electron';
import { toErrorShape } from '../app/errors';
import type { Studio } from '../app/studio/studio';
import { pickPathWithDialog } from './dialogs';

function reportFailure(title: string, error: unknown): void {
  const shape = toErrorShape(error);
  dialog.showErrorBox(title, shape.hint ? `${shape.message}\n\n${shape.hint}` : shape.message);
}

async function openProjectFromDialog(studio: Studio): Promise<void> {
  const dir = await pickPathWithDialog({ kind: 'open-directory', title: 'Open a Reward Studio project' });
  if (!dir) return;
  try {
    studio.openProject(dir);
  } catch (error) {
    reportFailure('Could not open the project', error);
  }
}

export function buildApplicationMenu(studio: Studio): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => void openProjectFromDialog(studio) },
        {
          label: 'Open Sample Project',
          click: () => void studio.openSampleProject().catch((error: unknown) => reportFailure('Could not open the sample project', error)),
        },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: `Reward Studio ${app.getVersion()}`, enabled: false }] },
  ];
  return Menu.buildFromTemplate(template);
}
