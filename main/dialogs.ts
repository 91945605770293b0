import { BrowserWindow, dialog } from 'electron';
import type { PickPathRequest } from '../app/studio/studio';

/** Native open/save dialogs behind the contract's `environment.pickPath`. */
export async function pickPathWithDialog(request: PickPathRequest): Promise<string | null> {
  const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  const common = { title: request.title, defaultPath: request.defaultPath, filters: request.filters };
  if (request.kind === 'save-file') {
    const result = window ? await dialog.showSaveDialog(window, common) : await dialog.showSaveDialog(common);
    return result.canceled || !result.filePath ? null : result.filePath;
  }
  const properties: ('openFile' | 'openDirectory' | 'createDirectory')[] =
    request.kind === 'open-directory' ? ['openDirectory', 'createDirectory'] : ['openFile'];
  const options = { ...common, properties };
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
