/**
 * Serve: runs the reward-model HTTP API (the same server `reward-studio serve-model` runs) for a
 * checkpoint or an export; shows its URL, the request count and curl examples to copy.
 */
import { useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { formatCount, formatDateTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { CopyButton } from './copy-button';
import { curlExamples } from './curl-examples';
import type { ModelOptionGroup } from './model-options';
import { ModelSelect } from './model-select';
import { parseModelKey, type ModelKey, type ServeStatus } from './model-types';

const DEFAULT_PORT = 8400;

export interface ServePanelProps {
  groups: readonly ModelOptionGroup[];
  model: ModelKey | null;
  onModel(key: ModelKey): void;
  status: ServeStatus | null;
  onStatus(status: ServeStatus | null): void;
}

export function ServePanel({ groups, model, onModel, status, onStatus }: ServePanelProps) {
  const client = useStudioClient();
  const [port, setPort] = useState(String(DEFAULT_PORT));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; hint: string | undefined } | null>(null);
  const portNumber = Number(port);
  const portValid = Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535;
  const ref = model ? parseModelKey(model) : null;

  async function run(action: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      const { message, hint } = describeError(failure);
      setError({ message, hint });
    } finally {
      setBusy(false);
    }
  }

  const start = () =>
    run(async () => {
      if (!ref) return;
      onStatus(await client.invoke('serving.start', { model: ref, port: portNumber }));
    });
  const stop = () =>
    run(async () => {
      await client.invoke('serving.stop', {});
      onStatus(null);
    });

  return (
    <Panel
      title="Serve over HTTP"
      testId="serve-panel"
      aside={
        <span className={status ? 'serve-state on' : 'serve-state'} data-testid="serve-state" data-state={status ? 'serving' : 'stopped'}>
          {status ? 'Serving' : 'Stopped'}
        </span>
      }
    >
      {status ? (
        <div className="stack serve-body">
          <div className="serve-url-row">
            <a className="mono serve-url" href={status.url} target="_blank" rel="noreferrer" data-testid="serve-url">
              {status.url}
            </a>
            <CopyButton text={status.url} testId="serve-copy-url" />
          </div>
          <p className="small muted">
            {status.modelLabel} · {status.engine === 'onnx' ? 'onnxruntime' : 'Python worker'} · since {formatDateTime(status.startedAt)} ·{' '}
            <span data-testid="serve-requests" data-count={status.requests}>
              {formatCount(status.requests)} request{status.requests === 1 ? '' : 's'}
            </span>
          </p>
          {curlExamples(status.url).map((example) => (
            <div key={example.id} className="curl-example" data-testid={`serve-curl-${example.id}`}>
              <div className="curl-head">
                <span className="small">{example.title}</span>
                <CopyButton text={example.command} testId={`serve-copy-${example.id}`} />
              </div>
              <pre className="mono curl-command">{example.command}</pre>
            </div>
          ))}
          <div className="row">
            <span className="grow small muted">Also POST /score-batch for many at once.</span>
            <button type="button" className="button" onClick={() => void stop()} disabled={busy} data-testid="serve-stop">
              {busy ? 'Stopping…' : 'Stop serving'}
            </button>
          </div>
        </div>
      ) : (
        <div className="stack serve-body">
          <p className="small muted">
            Runs a local HTTP API for one model: <span className="mono">POST /score</span>, <span className="mono">/score-pair</span> and{' '}
            <span className="mono">/score-batch</span>, the same server as <span className="mono">reward-studio serve-model</span>.
          </p>
          <div className="serve-form">
            <ModelSelect label="Model" groups={groups} value={model} onChange={onModel} testId="serve-model" disabled={busy} />
            <div className="field narrow serve-port">
              <label className="field-label" htmlFor="serve-port">
                Port
              </label>
              <input
                id="serve-port"
                className="input num"
                inputMode="numeric"
                value={port}
                onChange={(event) => setPort(event.target.value.trim())}
                data-testid="serve-port"
              />
            </div>
            <button type="button" className="button primary" onClick={() => void start()} disabled={busy || !ref || !portValid} data-testid="serve-start">
              {busy ? 'Starting…' : 'Serve'}
            </button>
          </div>
          {!portValid && <p className="inline-error">The port is a whole number from 1 to 65535.</p>}
        </div>
      )}
      {error && (
        <div className="pg-error" role="alert" data-testid="serve-error">
          <strong>{error.message}</strong>
          {error.hint && <span> {error.hint}</span>}
        </div>
      )}
    </Panel>
  );
}
