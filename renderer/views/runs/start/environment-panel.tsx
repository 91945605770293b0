/**
 * Can this machine train? Python, the packages the worker needs, CUDA and each GPU's free
 * memory, and — when something is missing — the one button that fixes it, with its live log.
 */
import { useState } from 'react';
import { useStudioClient } from '../../../client/client-context';
import { describeError } from '../../../client/studio-client-error';
import { LogTail } from '../../../components/log-tail';
import { Panel } from '../../../components/panel';
import { useStudioEvent } from '../../../hooks/use-studio-event';
import { PythonChoice } from './python-choice';
import type { Loadable } from './use-train-setup';
import type { TrainingEnvironment } from '../../../client/contract-types';

const PACKAGES = ['torch', 'transformers', 'peft', 'accelerate', 'reward_studio'] as const;
const MAX_LOG_LINES = 2000;

export interface EnvironmentPanelProps {
  environment: Loadable<TrainingEnvironment>;
  onRefresh(): void;
  onSetUp(environment: TrainingEnvironment): void;
}

function gigabytes(mb: number): string {
  return `${(mb / 1024).toFixed(1)} GB`;
}

export function EnvironmentPanel({ environment, onRefresh, onSetUp }: EnvironmentPanelProps) {
  const client = useStudioClient();
  const [settingUp, setSettingUp] = useState(false);
  const [log, setLog] = useState<string[]>([]);
  const [setupError, setSetupError] = useState<{ message: string; hint: string | undefined } | null>(null);
  const [showDetails, setShowDetails] = useState(false);

  useStudioEvent('environment.onSetupLog', ({ line }) => {
    setLog((lines) => (lines.length >= MAX_LOG_LINES ? [...lines.slice(-MAX_LOG_LINES + 1), line] : [...lines, line]));
  });

  async function setUp(): Promise<void> {
    setSettingUp(true);
    setSetupError(null);
    setLog([]);
    try {
      onSetUp(await client.invoke('environment.setupTraining', {}));
    } catch (error) {
      setSetupError(describeError(error));
    } finally {
      setSettingUp(false);
    }
  }

  const env = environment.value;
  const problems = env?.problems ?? [];
  const ready = env !== null && problems.length === 0;
  const status = environment.error ? 'error' : env === null ? 'checking' : ready ? 'ready' : 'problems';

  return (
    <Panel
      title="Training environment"
      testId="environment-panel"
      aside={
        <span className="row">
          <span className={`env-status env-${status}`} data-testid="environment-status" data-status={status}>
            {status === 'ready' ? 'Ready' : status === 'checking' ? 'Checking…' : status === 'error' ? 'Check failed' : 'Needs setup'}
          </span>
          <button type="button" className="button small" onClick={onRefresh} disabled={settingUp} data-testid="environment-refresh">
            Re-check
          </button>
        </span>
      }
    >
      {environment.error && (
        <p className="inline-error">
          {environment.error.message}
          {environment.error.hint && <span className="muted"> {environment.error.hint}</span>}
        </p>
      )}
      {env === null && !environment.error && <p className="muted small">Looking for Python, PyTorch and GPUs…</p>}
      {env && ready && !showDetails && (
        <p className="env-summary small muted" data-testid="environment-summary">
          <span>
            Python <span className="mono">{env.python?.version}</span>
          </span>
          <span>
            torch <span className="mono">{env.packages.torch}</span>
          </span>
          <span>
            transformers <span className="mono">{env.packages.transformers}</span>
          </span>
          <span>
            peft <span className="mono">{env.packages.peft}</span>
          </span>
          <span>{env.gpus.length === 0 ? 'CPU only (no CUDA GPU)' : env.gpus.map((gpu) => `GPU ${gpu.index} ${gpu.name} · ${gigabytes(gpu.memoryFreeMb)} free`).join(' · ')}</span>
          <button type="button" className="link-button" onClick={() => setShowDetails(true)} data-testid="environment-details">
            Details
          </button>
        </p>
      )}
      {env && (!ready || showDetails) && (
        <dl className="env-grid small">
          <dt>Python</dt>
          <dd className="mono" title={env.python?.path}>
            {env.python ? `${env.python.version}` : <span className="danger">not found</span>}
            {env.python && <span className="muted"> · {env.python.path}</span>}
          </dd>
          {PACKAGES.map((name) => (
            <PackageRow key={name} name={name} version={env.packages[name]} />
          ))}
          <dt>CUDA</dt>
          <dd>{env.cudaAvailable ? 'available' : <span className="muted">not available — training runs on the CPU</span>}</dd>
          <dt>GPUs</dt>
          <dd data-testid="environment-gpus">
            {env.gpus.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              env.gpus.map((gpu) => (
                <div key={gpu.index}>
                  <span className="mono">{gpu.index}</span> {gpu.name} · {gigabytes(gpu.memoryFreeMb)} free of {gigabytes(gpu.memoryTotalMb)}
                </div>
              ))
            )}
          </dd>
        </dl>
      )}
      {problems.length > 0 && (
        <ul className="problem-list" data-testid="environment-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {(env !== null || environment.error) && (!ready || showDetails) && (
        <div className="row env-actions">
          <button
            type="button"
            className={ready ? 'button small' : 'button primary'}
            onClick={() => void setUp()}
            disabled={settingUp}
            data-testid="environment-setup"
            title="Creates .venv in the studio folder and installs the training worker (PyTorch, transformers, peft, accelerate). Same as npm run setup:worker."
          >
            {settingUp ? 'Setting up…' : ready ? 'Reinstall training environment' : 'Set up training environment'}
          </button>
          {!ready && !settingUp && <span className="muted small">Creates .venv and installs the worker; PyTorch is a large download.</span>}
        </div>
      )}
      {setupError && (
        <p className="inline-error" data-testid="environment-setup-error">
          Setup failed: {setupError.message}
          {setupError.hint && <span className="muted"> {setupError.hint}</span>}
        </p>
      )}
      {(!ready || showDetails) && (env !== null || environment.error) && <PythonChoice onChanged={onRefresh} />}
      {(settingUp || log.length > 0) && <LogTail lines={log} testId="environment-setup-log" emptyText="Starting…" maxHeight={180} />}
    </Panel>
  );
}

function PackageRow({ name, version }: { name: string; version: string | null }) {
  return (
    <>
      <dt>{name}</dt>
      <dd className="mono">{version ?? <span className="danger">missing</span>}</dd>
    </>
  );
}
