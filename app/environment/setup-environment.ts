/**
 * Creates the repository's `.venv` (once) and installs the worker package with its test extra.
 * One implementation for both entry points: the "Set up training environment" button
 * (environment.setupTraining, lines streamed as events) and `npm run setup:worker`
 * (scripts/setup-worker.mjs, lines printed). PyTorch from PyPI is large: the venv is reused.
 */
import { StudioError } from '../errors';
import { runCommand, type PythonCommandResult } from './python-command';
import { hasVenv, REPO_ROOT, VENV_DIR, venvPython } from './python-interpreter';

export interface SetupOptions {
  onLine: (line: string) => void;
  /** The interpreter that creates the venv; default $PYTHON, else python3 (python on Windows). */
  basePython?: string;
  venvDir?: string;
}

let running = false;

export async function setUpTrainingEnvironment(options: SetupOptions): Promise<{ python: string }> {
  if (running) {
    throw new StudioError('busy', 'The training environment is already being set up.', 'Wait for the running setup to finish (its log is streaming).');
  }
  running = true;
  try {
    const venvDir = options.venvDir ?? VENV_DIR;
    const python = venvPython(venvDir);
    if (!hasVenv(venvDir)) {
      const base = options.basePython ?? process.env.PYTHON ?? (process.platform === 'win32' ? 'python' : 'python3');
      await step(options, base, ['-m', 'venv', venvDir], `Install Python 3.10 or newer (with the venv module: apt-get install python3-venv) and try again.`);
      await step(options, python, ['-m', 'pip', 'install', '--upgrade', 'pip'], 'Check the network connection to PyPI and try again.');
    }
    await step(
      options,
      python,
      ['-m', 'pip', 'install', '--progress-bar', 'off', '-e', 'workers[test]'],
      'Read the pip output above; a network problem or too little disk space (PyTorch needs several GB) are the usual causes.',
    );
    options.onLine(`Training environment ready: ${python}`);
    return { python };
  } finally {
    running = false;
  }
}

async function step(options: SetupOptions, command: string, args: string[], hint: string): Promise<PythonCommandResult> {
  options.onLine(`$ ${command} ${args.join(' ')}`);
  // pip on a slow mirror can take a long time for torch; an hour bounds a stuck download.
  const result = await runCommand(command, args, { timeoutMs: 3_600_000, cwd: REPO_ROOT, onLine: options.onLine });
  if (result.spawnError) {
    throw new StudioError('not_found', `could not run ${command}: ${result.spawnError.message}`, hint);
  }
  if (result.code !== 0) {
    throw new StudioError('internal', `${command} ${args.join(' ')} failed (exit ${result.code ?? 'killed'}${result.timedOut ? ', timed out' : ''})`, hint);
  }
  return result;
}
