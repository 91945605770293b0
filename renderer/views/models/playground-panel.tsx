/**
 * The score playground: a model, a query, an optional image, responses; Ctrl/Cmd+Enter (or Score)
 * sends them to `scoring.score` and the scores appear beside the responses, the best marked.
 * Scoring happens in the core (Python worker or onnxruntime-node); this panel only collects and shows.
 */
import { useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { Panel } from '../../components/panel';
import { ImageAttach } from './image-attach';
import { firstImageFile, readImageFile } from './image-file';
import { withUploadedImage } from './playground-image-upload';
import type { ModelOptionGroup } from './model-options';
import { ModelSelect } from './model-select';
import { parseModelKey, type ModelKey } from './model-types';
import {
  addResponse,
  checkDraft,
  emptyDraft,
  inputFingerprint,
  removeResponse,
  scoreByRow,
  setResponseText,
  type PlaygroundDraft,
  type ShownScores,
} from './playground-draft';
import { ResponseRows, type ResponseRowsHandle } from './response-rows';
import { ScoreMeta } from './score-meta';

export interface PlaygroundPanelProps {
  groups: readonly ModelOptionGroup[];
  model: ModelKey | null;
  onModel(key: ModelKey): void;
}

interface ShownError {
  message: string;
  hint: string | undefined;
}

export function PlaygroundPanel({ groups, model, onModel }: PlaygroundPanelProps) {
  const client = useStudioClient();
  const [draft, setDraft] = useState<PlaygroundDraft>(emptyDraft);
  const [shown, setShown] = useState<ShownScores | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const rows = useRef<ResponseRowsHandle>(null);
  const query = useRef<HTMLTextAreaElement>(null);
  const focusAfter = useRef<number | null>(null);

  useEffect(() => query.current?.focus(), []);
  // A row added or removed gets focus once it is (or its neighbour is) on screen.
  useEffect(() => {
    if (focusAfter.current !== null) rows.current?.focusRow(focusAfter.current);
    focusAfter.current = null;
  }, [draft.responses]);

  const ref = model ? parseModelKey(model) : null;
  const check = checkDraft(draft, ref);
  const stale = shown !== null && (!check.ok || inputFingerprint(check.input) !== shown.fingerprint);

  async function score(): Promise<void> {
    if (busy) return;
    if (!check.ok) {
      setError({ message: check.problem, hint: undefined });
      return;
    }
    const keys = draft.responses.map((row) => row.key);
    const fingerprint = inputFingerprint(check.input);
    setBusy(true);
    setError(null);
    try {
      const input = client.transportKind === 'websocket' && draft.image ? await withUploadedImage(check.input, draft.image) : check.input;
      const result = await client.invoke('scoring.score', input);
      setShown({ result, keys, fingerprint });
    } catch (failure) {
      const { message, hint } = describeError(failure);
      setError({ message, hint });
    } finally {
      setBusy(false);
    }
  }

  async function attach(file: File): Promise<void> {
    try {
      const image = await readImageFile(file);
      setDraft((current) => ({ ...current, image }));
      setError(null);
    } catch (failure) {
      setError({ message: failure instanceof Error ? failure.message : String(failure), hint: undefined });
    }
  }

  function add(afterKey: number | null): void {
    setDraft((current) => {
      const next = addResponse(current);
      if (next === current) return current;
      focusAfter.current = current.nextKey;
      if (afterKey === null) return next;
      // Alt+Enter: the new row goes right below the one being typed in.
      const added = next.responses[next.responses.length - 1];
      const rest = next.responses.slice(0, -1);
      const at = rest.findIndex((row) => row.key === afterKey) + 1;
      return added ? { ...next, responses: [...rest.slice(0, at), added, ...rest.slice(at)] } : next;
    });
  }

  function remove(key: number): void {
    setDraft((current) => {
      const index = current.responses.findIndex((row) => row.key === key);
      const next = removeResponse(current, key);
      const neighbour = next.responses[Math.max(0, index - 1)];
      focusAfter.current = neighbour?.key ?? null;
      return next;
    });
  }

  const scores = shown ? scoreByRow(shown) : new Map<number, number>();

  return (
    <Panel
      title="Score playground"
      testId="playground-panel"
      className="pg-panel"
      aside={<span className="small muted">Scores come from the reward head: higher is preferred.</span>}
    >
      <div
        className="pg-body"
        data-busy={busy ? 'true' : 'false'}
        onKeyDown={(event) => {
          if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
            event.preventDefault();
            void score();
          }
        }}
        onPaste={(event) => {
          const file = firstImageFile(event.clipboardData.files);
          if (!file) return; // Text pastes go to the focused field as usual.
          event.preventDefault();
          void attach(file);
        }}
      >
        <ModelSelect label="Model" groups={groups} value={model} onChange={onModel} testId="playground-model" />
        <div className="pg-prompt">
          <div className="field pg-query-field">
            <label className="field-label" htmlFor="pg-query">
              Query
            </label>
            <textarea
              id="pg-query"
              ref={query}
              className="input pg-textarea pg-query"
              rows={4}
              placeholder="The prompt the responses answer…"
              value={draft.query}
              data-testid="playground-query"
              onChange={(event) => {
                const text = event.target.value;
                setDraft((current) => ({ ...current, query: text }));
              }}
            />
          </div>
          <div className="field pg-image-field">
            <span className="field-label">Image</span>
            <ImageAttach image={draft.image} onFile={(file) => void attach(file)} onRemove={() => setDraft((current) => ({ ...current, image: null }))} />
          </div>
        </div>
        <div className="field">
          <span className="field-label">Responses</span>
          <ResponseRows
            ref={rows}
            rows={draft.responses}
            scores={scores}
            stale={stale}
            onText={(key, text) => setDraft((current) => setResponseText(current, key, text))}
            onAdd={add}
            onRemove={remove}
          />
        </div>
        {error && (
          <div className="pg-error" role="alert" data-testid="playground-error">
            <strong>{error.message}</strong>
            {error.hint && <span> {error.hint}</span>}
          </div>
        )}
        <div className="pg-actions">
          <button type="button" className="button primary" onClick={() => void score()} disabled={busy || !ref} data-testid="playground-score-button">
            {busy ? 'Scoring…' : 'Score'}
            <kbd>Ctrl</kbd>
            <kbd>Enter</kbd>
          </button>
          {busy && <span className="small muted">The first request to a model loads it; that can take a while.</span>}
          {!busy && shown && <ScoreMeta result={shown.result} stale={stale} />}
          {!busy && !shown && !check.ok && ref && <span className="small muted">{check.problem}</span>}
        </div>
      </div>
    </Panel>
  );
}
