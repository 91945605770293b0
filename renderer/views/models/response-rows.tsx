/**
 * The playground's responses: one text area per response, its score beside it once scored, the
 * best one marked. Alt+Enter adds a response below, Alt+Backspace in an empty one removes it.
 */
import { forwardRef, useImperativeHandle, useRef } from 'react';
import { bestIndices, formatScore, rowLetter, type ResponseRow } from './playground-draft';
import { MAX_RESPONSES } from '../../client/contract-types';

export interface ResponseRowsHandle {
  focusRow(key: number): void;
}

export interface ResponseRowsProps {
  rows: readonly ResponseRow[];
  /** Score per row key; rows added after scoring have none. */
  scores: ReadonlyMap<number, number>;
  stale: boolean;
  onText(key: number, text: string): void;
  onAdd(afterKey: number | null): void;
  onRemove(key: number): void;
}

export const ResponseRows = forwardRef<ResponseRowsHandle, ResponseRowsProps>(function ResponseRows({ rows, scores, stale, onText, onAdd, onRemove }, ref) {
  const areas = useRef(new Map<number, HTMLTextAreaElement>());
  useImperativeHandle(ref, () => ({ focusRow: (key) => areas.current.get(key)?.focus() }), []);

  const scored = rows.map((row) => scores.get(row.key));
  const complete = scored.every((score) => score !== undefined);
  const best = complete ? bestIndices(scored as number[]) : new Set<number>();

  return (
    <div className="pg-responses" data-testid="playground-responses">
      {rows.map((row, index) => {
        const score = scores.get(row.key);
        const isBest = best.has(index);
        const classes = ['pg-response'];
        if (isBest) classes.push('best');
        if (stale && score !== undefined) classes.push('stale');
        return (
          <div key={row.key} className={classes.join(' ')} data-testid="playground-response" data-best={isBest ? 'true' : 'false'}>
            <span className="pg-letter" aria-hidden="true">
              {rowLetter(index)}
            </span>
            <textarea
              ref={(element) => {
                if (element) areas.current.set(row.key, element);
                else areas.current.delete(row.key);
              }}
              className="input pg-textarea"
              rows={3}
              placeholder={index === 0 ? 'A response to score…' : 'Another response…'}
              aria-label={`Response ${rowLetter(index)}`}
              value={row.text}
              data-testid="playground-response-text"
              onChange={(event) => onText(row.key, event.target.value)}
              onKeyDown={(event) => {
                if (event.altKey && event.key === 'Enter') {
                  event.preventDefault();
                  onAdd(row.key);
                } else if (event.altKey && event.key === 'Backspace' && row.text === '' && rows.length > 1) {
                  event.preventDefault();
                  onRemove(row.key);
                }
              }}
            />
            <div className="pg-score-cell">
              {score !== undefined ? (
                <>
                  <span className="pg-score mono" data-testid="playground-score" data-score={score}>
                    {formatScore(score)}
                  </span>
                  {isBest && <span className="tag pg-best-tag">best</span>}
                </>
              ) : (
                <span className="pg-score empty muted">–</span>
              )}
              <button
                type="button"
                className="icon-button pg-remove"
                title={rows.length > 1 ? `Remove response ${rowLetter(index)} (Alt+Backspace when empty)` : 'Clear this response'}
                aria-label={`Remove response ${rowLetter(index)}`}
                data-testid="playground-response-remove"
                onClick={() => onRemove(row.key)}
              >
                ×
              </button>
            </div>
          </div>
        );
      })}
      <div className="row">
        <button type="button" className="button small" onClick={() => onAdd(null)} disabled={rows.length >= MAX_RESPONSES} data-testid="playground-add-response">
          + Add response
        </button>
        <span className="small muted">
          {rows.length} of {MAX_RESPONSES} · <kbd>Alt</kbd>+<kbd>Enter</kbd> adds one below
        </span>
      </div>
    </div>
  );
});
