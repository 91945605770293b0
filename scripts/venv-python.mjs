// Where the repository's training environment keeps its interpreter, per platform.
import { existsSync } from 'node:fs';
import path from 'node:path';

export const VENV_DIR = path.resolve('.venv');

export function venvPython() {
  return process.platform === 'win32' ? path.join(VENV_DIR, 'Scripts', 'python.exe') : path.join(VENV_DIR, 'bin', 'python');
}

export function hasVenv() {
  return existsSync(venvPython());
}
