/**
 * Compare: two evaluations (A and B, from the address `#/compare/<a>/<b>`) side by side —
 * metrics with B − A, the config diff, the margin scatter, both runs' curves overlaid — and item
 * by item below, filtered by who got it right, split and annotator agreement. Clicking a row or
 * a scatter mark opens the item with both models' scores next to each response.
 */
import { useCallback, useEffect, useState } from 'react';
import { Panel } from '../../components/panel';
import { useRouteStore } from '../../state/route-store';
import { evaluationLabel } from '../evaluate/evaluation-types';
import { CompareCurves } from './compare-curves';
import { INITIAL_QUERY, moveSelection, type CompareQuery } from './compare-filters';
import { CompareItemPanel } from './compare-item-panel';
import { CompareItemsTable } from './compare-items-table';
import { CompareMetrics } from './compare-metrics';
import { CompareSetup } from './compare-setup';
import { ConfigDiff } from './config-diff';
import { MarginScatter } from './margin-scatter';
import { useCompareItems } from './use-compare-items';
import { useComparison } from './use-comparison';
import type { EvaluationSummary } from '../../client/contract-types';
import '../../styles/evaluate.css';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));
}

export function CompareView() {
  const pair = useRouteStore((state) => state.compareIds);
  if (!pair) return <CompareSetup />;
  return <CompareWorkspace key={`${pair[0]}-${pair[1]}`} a={pair[0]} b={pair[1]} />;
}

function CompareWorkspace({ a, b }: { a: number; b: number }) {
  const openCompare = useRouteStore((state) => state.openCompare);
  const { comparison, error, version } = useComparison(a, b);
  const [query, setQuery] = useState<CompareQuery>(INITIAL_QUERY);
  const items = useCompareItems(a, b, query, version);
  const [selected, setSelected] = useState<number | null>(null);
  const [openItemId, setOpenItemId] = useState<string | null>(null);
  const rows = items.page?.rows ?? [];

  const changeQuery = useCallback((next: CompareQuery) => {
    setQuery(next);
    setSelected(null);
  }, []);

  useEffect(() => {
    function onKey(event: KeyboardEvent): void {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (event.key === 'j' || event.key === 'ArrowDown' || event.key === 'k' || event.key === 'ArrowUp') {
        const next = moveSelection(selected, event.key === 'j' || event.key === 'ArrowDown' ? 1 : -1, rows.length);
        setSelected(next);
        // An open item follows the keyboard, so j/k walk through items with their scores.
        if (openItemId !== null && next !== null) setOpenItemId(rows[next]?.itemId ?? openItemId);
        event.preventDefault();
      } else if (event.key === 'Enter' && selected !== null && rows[selected]) {
        setOpenItemId(rows[selected].itemId);
        event.preventDefault();
      } else if (event.key === 'Escape' && openItemId !== null) {
        setOpenItemId(null);
        event.preventDefault();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows, selected, openItemId]);

  if (error) {
    return (
      <div className="empty-state" data-testid="compare-error">
        <p>Evaluations {a} and {b} could not be compared: {error.message}</p>
        {error.hint && <p className="small muted">{error.hint}</p>}
        <button type="button" className="button" onClick={() => openCompare(null)}>
          Choose other evaluations
        </button>
      </div>
    );
  }
  if (!comparison) return <div className="empty-state muted">Comparing evaluations {a} and {b}…</div>;

  return (
    <div className="compare" data-testid="compare-view" data-a={a} data-b={b}>
      <header className="compare-header">
        <h1 className="view-title">Compare</h1>
        <div className="compare-sides">
          <CompareSide side="a" evaluation={comparison.a} />
          <span className="muted">vs</span>
          <CompareSide side="b" evaluation={comparison.b} />
        </div>
        <span className="grow" />
        <button type="button" className="button small" onClick={() => openCompare([b, a])} data-testid="compare-swap" title="Swap A and B">
          Swap ⇄
        </button>
        <button type="button" className="button small" onClick={() => openCompare(null)} data-testid="compare-change">
          Change…
        </button>
      </header>
      {comparison.a.scope !== comparison.b.scope && (
        <p className="callout small compare-warning">
          A scored <strong>{comparison.a.scope}</strong> and B scored <strong>{comparison.b.scope}</strong>: the metrics are over different items; the scatter and the table hold only items both scored.
        </p>
      )}

      <div className="compare-top">
        <div className="compare-column">
          <Panel title="Metrics" testId="compare-metrics-panel" aside={<span className="muted small">B − A</span>}>
            <CompareMetrics comparison={comparison} />
          </Panel>
          <Panel title="Config diff" testId="compare-config-panel" aside={<span className="muted small">{comparison.configDiff.length} differ</span>}>
            <ConfigDiff comparison={comparison} />
          </Panel>
        </div>
        <Panel title="Margin A vs margin B" testId="compare-scatter-panel" aside={<span className="muted small">{comparison.scatter.itemIds.length.toLocaleString()} items</span>}>
          <MarginScatter comparison={comparison} onOpenItem={setOpenItemId} />
        </Panel>
        <Panel title="Training curves" testId="compare-curves-panel" aside={<span className="muted small">train solid · eval dashed</span>}>
          <CompareCurves comparison={comparison} />
        </Panel>
      </div>

      <div className={openItemId ? 'compare-bottom with-item' : 'compare-bottom'}>
        <CompareItemsTable
          comparison={comparison}
          query={query}
          onQuery={changeQuery}
          items={items}
          selected={selected}
          openItemId={openItemId}
          onSelect={setSelected}
          onOpen={setOpenItemId}
        />
        {openItemId && <CompareItemPanel itemId={openItemId} sides={{ a: comparison.a, b: comparison.b }} onClose={() => setOpenItemId(null)} />}
      </div>
    </div>
  );
}

/** One side of the header: the A/B badge, the run, and which step, scope and engine were scored. */
function CompareSide({ side, evaluation }: { side: 'a' | 'b'; evaluation: EvaluationSummary }) {
  return (
    <span className="compare-side" data-testid={`compare-side-${side}`} title={evaluationLabel(evaluation)}>
      <span className={`pick-badge pick-${side}`}>{side.toUpperCase()}</span>
      <span className="compare-side-name">{evaluation.runName}</span>
      <span className="muted small">
        step {evaluation.step} · {evaluation.scope}
        {evaluation.engine === 'onnx' ? ' · ONNX' : ''}
      </span>
    </span>
  );
}
