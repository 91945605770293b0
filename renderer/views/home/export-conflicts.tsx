/**
 * Before an export: items whose annotators disagree and that no reviewer adjudicated. Their
 * resolved ranking is just the latest annotator's, so the person chooses — write it, or leave
 * those items out — instead of the export silently picking one side.
 */
import { useCallback, useEffect, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import type { CommandInput } from '../../client/contract-types';
import { formatCount } from '../../components/format';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { useRouteStore } from '../../state/route-store';

export type ConflictChoice = NonNullable<CommandInput<'dataset.export'>['conflicts']>;
type SplitChoice = 'all' | 'train' | 'val' | 'test';

/** How many unresolved conflicts the chosen split holds (null until known); follows judgments live. */
export function useUnresolvedConflicts(split: SplitChoice): number | null {
  const client = useStudioClient();
  const [count, setCount] = useState<number | null>(null);
  const load = useCallback(() => {
    client.invoke('judgments.conflicts', { split: split === 'all' ? undefined : split, limit: 1 }).then(
      (list) => setCount(list.total),
      () => setCount(null),
    );
  }, [client, split]);
  useEffect(() => load(), [load]);
  useStudioEvent('judgments.onChanged', load);
  return count;
}

export function ConflictChoiceField({ count, value, onChange, disabled }: { count: number; value: ConflictChoice; onChange(choice: ConflictChoice): void; disabled: boolean }) {
  const navigate = useRouteStore((state) => state.navigate);
  const items = `${formatCount(count)} ${count === 1 ? 'item' : 'items'}`;
  return (
    <fieldset className="choice-group" data-testid="export-conflicts">
      <legend className="small">
        <strong>Unresolved conflicts:</strong> {items} where annotators disagree and no reviewer decided.{' '}
        <button type="button" className="link-button" onClick={() => navigate('agreement')} data-testid="export-conflicts-review">
          Review them
        </button>
      </legend>
      <label className="checkbox">
        <input type="radio" name="export-conflicts" checked={value === 'include'} disabled={disabled} onChange={() => onChange('include')} data-testid="export-conflicts-include" />
        Write the latest annotator’s ranking
      </label>
      <label className="checkbox">
        <input type="radio" name="export-conflicts" checked={value === 'skip'} disabled={disabled} onChange={() => onChange('skip')} data-testid="export-conflicts-skip" />
        Leave them out
      </label>
    </fieldset>
  );
}
