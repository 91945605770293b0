/**
 * One item in full: image(s), query (or the whole prompt conversation, as a thread), the responses
 * with the ranking export would use, and every judgment with who made it.
 */
import { ConversationThread } from '../../components/conversation-thread';
import { ItemSourceFields } from './item-source-fields';
import { formatDateTime, formatDuration, shortenPath } from '../../components/format';
import { GoldItemButton } from './gold-item-button';
import { ItemImages } from './item-images';
import { ordinal, rankingOrderText, rankPlaces, responseLetter } from './ranking-display';
import type { ItemDetail, Judgment } from '../../client/contract-types';

function Responses({ detail }: { detail: ItemDetail }) {
  const places = detail.resolvedRanking ? rankPlaces(detail.resolvedRanking) : null;
  return (
    <ol className="responses" data-testid="detail-responses">
      {detail.responses.map((text, index) => {
        const place = places?.[index];
        const classes = ['response'];
        if (place?.best) classes.push('best');
        if (place?.worst) classes.push('worst');
        return (
          <li key={index} className={classes.join(' ')} data-testid="detail-response" data-rank={detail.resolvedRanking?.[index] ?? ''}>
            <div className="response-head">
              <span className="response-letter">{responseLetter(index)}</span>
              {place ? (
                <span className={place.best ? 'rank-badge best' : 'rank-badge'} data-testid="detail-rank">
                  {ordinal(place.place)}
                  {place.best && !place.tied ? ' · best' : ''}
                  {place.tied && <span className="tie-mark"> · tie</span>}
                </span>
              ) : (
                <span className="rank-badge unranked">not ranked</span>
              )}
            </div>
            <div className="response-text">{text}</div>
          </li>
        );
      })}
    </ol>
  );
}

function JudgmentRow({ judgment, resolvedId }: { judgment: Judgment; resolvedId: number | null }) {
  return (
    <tr data-testid="detail-judgment" className={judgment.id === resolvedId ? 'resolved' : undefined}>
      <td>
        {judgment.annotator}
        {judgment.id === resolvedId && (
          <span className="tag" title="Export uses this judgment">
            used
          </span>
        )}
      </td>
      <td className="mono">{rankingOrderText(judgment.ranking)}</td>
      <td>{[judgment.decision, judgment.strength].filter(Boolean).join(' · ') || <span className="muted">–</span>}</td>
      <td className="num">{judgment.timeMs !== null ? formatDuration(judgment.timeMs) : <span className="muted">–</span>}</td>
      <td>{judgment.source}</td>
      <td className="muted">{formatDateTime(judgment.updatedAt)}</td>
      <td className="judgment-note">
        {judgment.flagged && <span className="flag">⚑ </span>}
        {judgment.note}
      </td>
    </tr>
  );
}

export function ItemDetailView({ detail, stale }: { detail: ItemDetail; stale: boolean }) {
  const resolvedId = detail.resolvedFrom?.judgmentId ?? null;
  return (
    <article className={stale ? 'item-detail stale' : 'item-detail'} data-testid="item-detail" data-item-id={detail.id}>
      <header className="detail-header">
        <span className="mono detail-id" title={detail.id} data-testid="detail-id">
          {detail.id}
        </span>
        <span className={`split-badge split-${detail.split}`}>{detail.split}</span>
        {detail.flagged && <span className="flag">⚑ flagged</span>}
        <span className="grow" />
        {detail.sourceFile && (
          <span className="muted small mono detail-source" title={detail.sourceFile}>
            {shortenPath(detail.sourceFile, 60)}
          </span>
        )}
      </header>
      <ItemImages key={detail.id} images={detail.images} />
      <section className="detail-section" data-testid="detail-query">
        <ConversationThread key={detail.id} query={detail.query} prompt={detail.prompt} images={detail.images} />
      </section>
      <section className="detail-section">
        <h3 className="section-label">
          Responses
          {detail.resolvedRanking ? (
            <span className="section-aside mono" data-testid="detail-order">
              {rankingOrderText(detail.resolvedRanking)}
              {detail.resolvedFrom && <span className="muted"> · from {detail.resolvedFrom.annotator}</span>}
            </span>
          ) : (
            <span className="section-aside muted">unlabeled</span>
          )}
        </h3>
        <Responses detail={detail} />
      </section>
      <ItemSourceFields detail={detail} />
      <section className="detail-section">
        <h3 className="section-label">Judgments</h3>
        {detail.judgments.length === 0 ? (
          <p className="small muted">No judgments yet. Annotate this item, or import a file that labels it.</p>
        ) : (
          <table className="table judgments">
            <thead>
              <tr>
                <th>Annotator</th>
                <th>Order</th>
                <th>Decision</th>
                <th className="num">Time</th>
                <th>Source</th>
                <th>Updated</th>
                <th>Note</th>
              </tr>
            </thead>
            <tbody>
              {detail.judgments.map((judgment) => (
                <JudgmentRow key={judgment.id} judgment={judgment} resolvedId={resolvedId} />
              ))}
            </tbody>
          </table>
        )}
        {detail.note && <p className="small">Note: {detail.note}</p>}
        <GoldItemButton detail={detail} />
      </section>
    </article>
  );
}
