// `npm run setup:worker`: creates .venv (once) and installs the Python worker package with its
// test extra. PyTorch from PyPI is the CUDA build and large: the venv is reused afterwards.
import { spawnSync } from 'node:child_process';
import { hasVenv, venvPython, VENV_DIR } from './venv-python.mjs';

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.error) {
    console.error(`Could not run ${command}: ${result.error.message}. Install Python 3.10+ and try again.`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!hasVenv()) {
  const python = process.env.PYTHON ?? (process.platform === 'win32' ? 'python' : 'python3');
  run(python, ['-m', 'venv', VENV_DIR]);
  run(venvPython(), ['-m', 'pip', 'install', '--quiet', '--upgrade', 'pip']);
}
run(venvPython(), ['-m', 'pip', 'install', '--progress-bar', 'off', '-e', 'workers[test]']);
console.log(`Training environment ready: ${venvPython()}`);
