/**
 * One item opened from the table or the scatter: its image and query (or its whole conversation),
 * every response with each checkpoint's score beside it — named by run and step in its colour,
 * since A, B… are the responses here — (each model's top pick marked) and the human's rank, and every judgment with who made it. Scores come from evaluations.itemScores for exactly these two
 * evaluations, so they are the stored ones the table's verdicts were computed from.
 */
import { useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { ConversationThread } from '../../components/conversation-thread';
import { ItemImages } from '../items/item-images';
import { ordinal, rankingOrderText, rankPlaces, responseLetter } from '../items/ranking-display';
import { formatScore } from '../evaluate/metric-format';
import type { ItemDetail, ItemScores } from '../../client/contract-types';
import { SideTag, sideName, type CompareSides } from './side-tag';

interface Loaded {
  itemId: string;
  detail: ItemDetail;
  scoresA: ItemScores | null;
  scoresB: ItemScores | null;
}

function topIndex(scores: readonly number[] | undefined): number {
  if (!scores || scores.length === 0) return -1;
  let best = 0;
  for (let i = 1; i < scores.length; i += 1) if ((scores[i] as number) > (scores[best] as number)) best = i;
  return best;
}

function ScoreCell({ side, sides, scores, index }: { side: 'a' | 'b'; sides: CompareSides; scores: ItemScores | null; index: number }) {
  const value = scores?.scores[index];
  const top = scores ? topIndex(scores.scores) === index : false;
  return (
    <span className={`item-score score-${side}${top ? ' top' : ''}`} data-testid={`item-score-${side}`} data-value={value ?? ''} title={top ? `${sideName(sides[side])}'s top-scored response` : undefined}>
      <SideTag side={side} evaluation={sides[side]} />
      <span className="num mono">{value === undefined ? '–' : formatScore(value)}</span>
      {top && <span className="top-mark">▲</span>}
    </span>
  );
}

export function CompareItemPanel({ itemId, sides, onClose }: { itemId: string; sides: CompareSides; onClose(): void }) {
  const client = useStudioClient();
  const a = sides.a.id;
  const b = sides.b.id;
  const root = useRef<HTMLElement>(null);
  // Opened from the table or the scatter: brought into view, without moving the page more than needed.
  // (A block body: Chromium's scrollIntoView may return a promise, which React would take for a cleanup.)
  useEffect(() => {
    root.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [itemId]);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    Promise.all([client.invoke('items.get', { id: itemId }), client.invoke('evaluations.itemScores', { itemId, evaluationIds: [a, b] })]).then(
      ([detail, scores]) => {
        if (cancelled) return;
        setLoaded({ itemId, detail, scoresA: scores.find((entry) => entry.evaluationId === a) ?? null, scoresB: scores.find((entry) => entry.evaluationId === b) ?? null });
      },
      (failure: unknown) => !cancelled && setError(describeError(failure).message),
    );
    return () => {
      cancelled = true;
    };
  }, [client, itemId, a, b]);

  const current = loaded && loaded.itemId === itemId ? loaded : null;
  const detail = current?.detail;
  const places = detail?.resolvedRanking ? rankPlaces(detail.resolvedRanking) : null;
  return (
    <aside ref={root} className="compare-item-panel" data-testid="compare-item-panel" data-item-id={itemId} data-loaded={current ? 'true' : 'false'} aria-label={`Item ${itemId}`}>
      <header className="compare-item-header">
        <span className="mono compare-item-title" title={itemId}>
          {itemId}
        </span>
        {detail && <span className={`split-badge split-${detail.split}`}>{detail.split}</span>}
        <span className="grow" />
        <button type="button" className="button small" onClick={onClose} data-testid="compare-item-close" title="Close (Esc)">
          Close <kbd>Esc</kbd>
        </button>
      </header>
      {error && <p className="inline-error">Item {itemId} could not be loaded: {error}</p>}
      {!current && !error && <p className="small muted">Loading the item…</p>}
      {detail && current && (
        <div className="compare-item-body">
          <ItemImages key={detail.id} images={detail.images} />
          <ConversationThread key={detail.id} className="compare-item-query" query={detail.query} prompt={detail.prompt} images={detail.images} />
          <div className="compare-item-verdicts small">
            <span>
              Human: <strong className="mono">{detail.resolvedRanking ? rankingOrderText(detail.resolvedRanking) : 'not judged'}</strong>
              {detail.resolvedFrom && <span className="muted"> · {detail.resolvedFrom.source === 'adjudication' ? 'adjudicated by' : 'from'} {detail.resolvedFrom.annotator}</span>}
            </span>
            {[current.scoresA, current.scoresB].map((scores, index) =>
              scores ? (
                <span key={index} className={scores.correct ? 'verdict right' : 'verdict wrong'}>
                  <SideTag side={index === 0 ? 'a' : 'b'} evaluation={index === 0 ? sides.a : sides.b} />
                  {scores.correct === null ? 'no human ranking' : scores.correct ? '✓ right' : '✗ wrong'}
                  {scores.margin !== null && <span className="muted mono"> margin {formatScore(scores.margin)}</span>}
                </span>
              ) : (
                <span key={index} className="muted">
                  {sideName(index === 0 ? sides.a : sides.b)} did not score this item
                </span>
              ),
            )}
          </div>
          <ol className="compare-responses" data-testid="compare-responses">
            {detail.responses.map((text, index) => {
              const place = places?.[index];
              return (
                <li key={index} className={place?.best ? 'compare-response best' : 'compare-response'} data-testid="compare-response" data-rank={detail.resolvedRanking?.[index] ?? ''}>
                  <div className="compare-response-head">
                    <span className="response-letter">{responseLetter(index)}</span>
                    {place ? (
                      <span className={place.best ? 'rank-badge best' : 'rank-badge'} data-testid="compare-human-rank">
                        human {ordinal(place.place)}
                        {place.tied ? ' · tie' : ''}
                      </span>
                    ) : (
                      <span className="rank-badge unranked">not ranked</span>
                    )}
                    <span className="grow" />
                    <ScoreCell side="a" sides={sides} scores={current.scoresA} index={index} />
                    <ScoreCell side="b" sides={sides} scores={current.scoresB} index={index} />
                  </div>
                  <div className="compare-response-text">{text}</div>
                </li>
              );
            })}
          </ol>
          {detail.judgments.length > 0 && (
            <div className="compare-judgments small" data-testid="compare-judgments">
              <span className="section-label">Judgments</span>
              {detail.judgments.map((judgment) => (
                <div key={judgment.id} className="compare-judgment">
                  <span>{judgment.annotator}</span>
                  <span className="mono">{rankingOrderText(judgment.ranking)}</span>
                  <span className="muted">{judgment.source}</span>
                </div>
              ))}
            </div>
          )}
        </div>
      )}
    </aside>
  );
}
