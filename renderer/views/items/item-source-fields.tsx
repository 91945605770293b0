/**
 * What an item brought from its source file beside the conversation: the tools it may call, its
 * per-pair margin, and the columns no reader used (kept as metadata, written back by the seed
 * export). Shown so nothing imported is invisible.
 */
import type { ItemDetail } from '../../client/contract-types';

/** A metadata value as one line of text: strings as they are, anything else as compact JSON. */
export function metadataText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

/** A tool definition's name, in the OpenAI shape or bare; null when it has none. */
export function toolName(tool: unknown): string | null {
  if (typeof tool !== 'object' || tool === null) return null;
  const record = tool as Record<string, unknown>;
  const inner = typeof record.function === 'object' && record.function !== null ? (record.function as Record<string, unknown>) : record;
  return typeof inner.name === 'string' ? inner.name : null;
}

export function ItemSourceFields({ detail }: { detail: Pick<ItemDetail, 'tools' | 'metadata' | 'margin'> }) {
  const metadata = Object.entries(detail.metadata ?? {});
  const tools = detail.tools ?? [];
  if (metadata.length === 0 && tools.length === 0 && detail.margin === null) return null;
  return (
    <section className="detail-section" data-testid="detail-source-fields">
      <h3 className="section-label">From the source file</h3>
      <dl className="source-fields">
        {tools.length > 0 && (
          <>
            <dt>Tools</dt>
            <dd className="mono" data-testid="detail-tools" title={JSON.stringify(tools, null, 2)}>
              {tools.map((tool, index) => toolName(tool) ?? `tool ${index + 1}`).join(', ')}
            </dd>
          </>
        )}
        {detail.margin !== null && (
          <>
            <dt>Margin</dt>
            <dd className="mono" data-testid="detail-margin">
              {detail.margin}
            </dd>
          </>
        )}
        {metadata.map(([key, value]) => (
          <div key={key} className="source-field" data-testid="detail-metadata">
            <dt className="mono">{key}</dt>
            <dd className="mono">{metadataText(value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
