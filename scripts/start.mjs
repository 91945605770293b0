// `npm start`: the desktop app where Electron's binary exists; otherwise the same studio in the
// browser via `reward-studio serve --open`, on the sample project.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The binary's path without require('electron'): since Electron 45 requiring the package
 * tries to download a missing binary, which fails loudly on machines without that network.
 */
function electronBinary() {
  const packageDir = path.resolve('node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const binary = electronBinary();
run('npm', ['run', '--silent', 'build:renderer']);

if (binary) {
  run('npm', ['run', '--silent', 'build:main']);
  // better-sqlite3 must match Electron's ABI here (tests and `serve` rebuild it for Node again).
  run('npx', ['electron-rebuild', '--force', '--only', 'better-sqlite3']);
  spawn(binary, ['.'], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('Electron\'s binary is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD); starting the same studio in your browser instead.');
  run('node', ['scripts/ensure-node-abi.mjs']);
  const child = spawn(process.execPath, ['bin/reward-studio.mjs', 'serve', '--open', '--sample', ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
