// Runs the Python worker's pytest suite in the repository's .venv.
import { spawnSync } from 'node:child_process';
import { hasVenv, venvPython } from './venv-python.mjs';

if (!hasVenv()) {
  console.error('The training environment is missing (.venv). Run "npm run setup:worker" first.');
  process.exit(1);
}
const result = spawnSync(venvPython(), ['-m', 'pytest', 'workers/tests', '-q', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
});
process.exit(result.status ?? 1);
