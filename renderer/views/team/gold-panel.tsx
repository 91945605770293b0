/**
 * Gold items (owner): items with a known answer, mixed into members' queues to measure accuracy.
 * They are added from the Items view ("Use as gold item"); here they are listed and removed.
 */
import { useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { formatDateTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { useRouteStore } from '../../state/route-store';
import { toastError, toastSuccess } from '../../state/toast-store';
import { rankingOrderText } from '../items/ranking-display';
import { useTeamData } from './use-team-data';

function openItem(itemId: string): void {
  const route = useRouteStore.getState();
  route.navigate('items');
  route.selectItem(itemId);
}

export function GoldPanel() {
  const client = useStudioClient();
  const gold = useTeamData('team.gold', { team: ['gold'] });
  const [removing, setRemoving] = useState<string | null>(null);

  async function remove(itemId: string): Promise<void> {
    setRemoving(itemId);
    try {
      await client.invoke('team.clearGold', { itemId });
      toastSuccess(`${itemId} is no longer a gold item.`);
      gold.reload();
    } catch (failure) {
      toastError(failure, `Removing gold item ${itemId}`);
    } finally {
      setRemoving(null);
    }
  }

  return (
    <Panel title="Gold items" testId="team-gold" aside={gold.data ? <span className="small muted">{gold.data.length}</span> : undefined}>
      {gold.error ? (
        <p className="small danger">
          Could not read the gold items: {gold.error.message}{' '}
          <button type="button" className="button small" onClick={gold.reload}>
            Try again
          </button>
        </p>
      ) : gold.data === undefined ? (
        <p className="small muted">Loading gold items…</p>
      ) : gold.data.length === 0 ? (
        <p className="small muted" data-testid="team-gold-empty">
          No gold items. In Items, open a judged item and choose “Use as gold item”: its ranking becomes the known answer members are scored against.
        </p>
      ) : (
        <div className="team-table-wrap">
          <table className="table" data-testid="team-gold-list">
            <thead>
              <tr>
                <th>Item</th>
                <th>Answer</th>
                <th>Added</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {gold.data.map((entry) => (
                <tr key={entry.itemId} data-testid="team-gold-row" data-item-id={entry.itemId}>
                  <td className="team-id-cell">
                    <button type="button" className="link-button mono" title={`Open ${entry.itemId} in Items`} onClick={() => openItem(entry.itemId)}>
                      {entry.itemId}
                    </button>
                  </td>
                  <td className="mono">{rankingOrderText(entry.ranking)}</td>
                  <td className="muted">{formatDateTime(entry.createdAt)}</td>
                  <td className="num">
                    <button
                      type="button"
                      className="button small"
                      disabled={removing !== null}
                      aria-label={`Remove gold item ${entry.itemId}`}
                      data-testid="team-gold-remove"
                      onClick={() => void remove(entry.itemId)}
                    >
                      {removing === entry.itemId ? 'Removing…' : 'Remove'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
