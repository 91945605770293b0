/**
 * Serve: runs the reward-model HTTP API (the same server `reward-studio serve-model` runs) for a
 * checkpoint or an export, optionally behind an API key; shows its URL, the request count and a
 * ready example per client (curl, OpenRLHF, verl, vLLM, TEI, LLaMA-Factory) to copy.
 */
import { useState, type ReactNode } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { formatCount, formatDateTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { clientExamples, type ClientId } from './client-examples';
import { CopyButton } from './copy-button';
import type { ModelOptionGroup } from './model-options';
import { ModelSelect } from './model-select';
import { parseModelKey, type ModelKey } from './model-types';
import { apiKeyProblem, generateApiKey, keyForExamples, useServeKey } from './serve-api-key';
import type { ServeStatus } from '../../client/contract-types';

const DEFAULT_PORT = 8400;
/** What the examples show when the server needs a key this window does not know (another window started it). */
const KEY_PLACEHOLDER = 'YOUR_API_KEY';

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
  const key = useServeKey();
  const portNumber = Number(port);
  const portValid = Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535;
  const keyProblem = apiKeyProblem(key.draft);
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
      if (!ref || keyProblem) return;
      const apiKey = key.draft || undefined;
      const started = await client.invoke('serving.start', { model: ref, port: portNumber, ...(apiKey ? { apiKey } : {}) });
      key.setServing(apiKey ? { key: apiKey, startedAt: started.startedAt } : null);
      onStatus(started);
    });
  const stop = () =>
    run(async () => {
      await client.invoke('serving.stop', {});
      key.setServing(null);
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
        <ServingBody status={status} apiKey={keyForExamples(status, key.serving, KEY_PLACEHOLDER)} keyKnown={!status.apiKeyRequired || key.serving?.startedAt === status.startedAt}>
          <button type="button" className="button" onClick={() => void stop()} disabled={busy} data-testid="serve-stop">
            {busy ? 'Stopping…' : 'Stop serving'}
          </button>
        </ServingBody>
      ) : (
        <div className="stack serve-body">
          <p className="small muted">
            Runs a local HTTP API for one model: <span className="mono">POST /score</span>, <span className="mono">/score-pair</span> and{' '}
            <span className="mono">/score-batch</span>, plus the endpoints OpenRLHF, verl, vLLM, TEI and LLaMA-Factory call — the same server as{' '}
            <span className="mono">reward-studio serve-model</span>.
          </p>
          <div className="serve-form">
            <div className="serve-model">
              <ModelSelect label="Model" groups={groups} value={model} onChange={onModel} testId="serve-model" disabled={busy} />
            </div>
            <div className="field serve-port">
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
            <ApiKeyField value={key.draft} onChange={key.setDraft} problem={keyProblem} disabled={busy} />
          </div>
          {!portValid && <p className="inline-error">The port is a whole number from 1 to 65535.</p>}
          <div className="row">
            <span className="grow small muted" data-testid="serve-auth-note">
              {key.draft ? (
                <>
                  Every request will need <span className="mono">Authorization: Bearer &lt;key&gt;</span>.
                </>
              ) : (
                'No key: anything that can reach the port can score (127.0.0.1 is this machine only).'
              )}
            </span>
            <button type="button" className="button primary" onClick={() => void start()} disabled={busy || !ref || !portValid || keyProblem !== null} data-testid="serve-start">
              {busy ? 'Starting…' : 'Serve'}
            </button>
          </div>
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

/** The optional API key: hidden by default, Show / Generate / Copy beside it, the problem right under it. */
function ApiKeyField({ value, onChange, problem, disabled }: { value: string; onChange(value: string): void; problem: string | null; disabled: boolean }) {
  const [visible, setVisible] = useState(false);
  return (
    <div className="field serve-key">
      <label className="field-label" htmlFor="serve-api-key">
        API key <span className="serve-optional">optional</span>
      </label>
      <div className="serve-key-row">
        <input
          id="serve-api-key"
          className="input mono grow"
          type={visible ? 'text' : 'password'}
          autoComplete="off"
          spellCheck={false}
          placeholder="none"
          value={value}
          disabled={disabled}
          aria-invalid={problem !== null}
          aria-describedby={problem ? 'serve-api-key-problem' : undefined}
          onChange={(event) => onChange(event.target.value)}
          data-testid="serve-api-key"
        />
        <button type="button" className="button small" onClick={() => setVisible(!visible)} disabled={!value} aria-pressed={visible} data-testid="serve-api-key-show">
          {visible ? 'Hide' : 'Show'}
        </button>
        <button type="button" className="button small" onClick={() => onChange(generateApiKey())} disabled={disabled} data-testid="serve-api-key-generate">
          Generate
        </button>
        {value && <CopyButton text={value} testId="serve-api-key-copy" />}
      </div>
      {problem && (
        <p className="inline-error serve-key-problem" id="serve-api-key-problem" data-testid="serve-api-key-error">
          {problem}
        </p>
      )}
    </div>
  );
}

/** The running server: URL, counts, the key (when this window knows it) and the client examples. */
function ServingBody({ status, apiKey, keyKnown, children }: { status: ServeStatus; apiKey: string | null; keyKnown: boolean; children: ReactNode }) {
  const [client, setClient] = useState<ClientId>('curl');
  const [keyVisible, setKeyVisible] = useState(false);
  const examples = clientExamples({ url: status.url, model: status.modelLabel, apiKey });
  const shown = examples.find((example) => example.id === client) ?? examples[0];
  return (
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
        {' · '}
        <span data-testid="serve-auth" data-required={status.apiKeyRequired ? 'yes' : 'no'}>
          {status.apiKeyRequired ? 'API key required' : 'no API key'}
        </span>
      </p>
      {status.apiKeyRequired &&
        (keyKnown && apiKey ? (
          <div className="serve-url-row">
            <span className="field-label serve-key-label">API key</span>
            <span className="mono serve-key-value" data-testid="serve-key-value">
              {keyVisible ? apiKey : '•'.repeat(24)}
            </span>
            <button type="button" className="button small" onClick={() => setKeyVisible(!keyVisible)} aria-pressed={keyVisible} data-testid="serve-key-show">
              {keyVisible ? 'Hide' : 'Show'}
            </button>
            <CopyButton text={apiKey} testId="serve-key-copy" />
          </div>
        ) : (
          <p className="small muted" data-testid="serve-key-unknown">
            Another window started this server: its key is not kept anywhere, so the examples show <span className="mono">{KEY_PLACEHOLDER}</span> in its place.
          </p>
        ))}
      <div className="segmented serve-clients" role="tablist" aria-label="Client">
        {examples.map((example) => (
          <button
            key={example.id}
            type="button"
            role="tab"
            aria-selected={example.id === shown?.id}
            className={example.id === shown?.id ? 'segment active' : 'segment'}
            onClick={() => setClient(example.id)}
            data-testid={`serve-client-${example.id}`}
          >
            {example.label}
          </button>
        ))}
      </div>
      {shown && (
        <div className="stack serve-client" role="tabpanel" data-testid="serve-client-panel" data-client={shown.id}>
          {shown.notes.map((note) => (
            <p key={note} className="small muted serve-client-note">
              {note}
            </p>
          ))}
          {shown.snippets.map((snippet) => (
            <div key={snippet.id} className="curl-example" data-testid={`serve-example-${snippet.id}`} data-language={snippet.language}>
              <div className="curl-head">
                <span className="small">{snippet.title}</span>
                <CopyButton text={snippet.text} testId={`serve-copy-${snippet.id}`} />
              </div>
              <pre className="mono curl-command">{snippet.text}</pre>
            </div>
          ))}
        </div>
      )}
      <div className="row">
        <span className="grow small muted">
          <span className="mono">GET /health</span> says when the model is ready.
        </span>
        {children}
      </div>
    </div>
  );
}
