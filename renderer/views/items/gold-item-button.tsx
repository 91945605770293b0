/**
 * "Use as gold item" (owner only): the item's resolved ranking — the adjudication if there is one,
 * else the most recent judgment, as export uses it — becomes the known answer members are scored
 * against (`team.setGold`). Shown to the owner only; for anyone else, or before the team commands
 * answer, nothing is drawn.
 */
import { useId, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { toastError, toastSuccess } from '../../state/toast-store';
import { useTeamData } from '../team/use-team-data';
import { rankingOrderText } from './ranking-display';
import type { ItemDetail } from '../../client/contract-types';
import '../../styles/team.css';

function OwnerGoldButton({ detail }: { detail: ItemDetail }) {
  const client = useStudioClient();
  const reasonId = useId();
  const gold = useTeamData('team.gold', { team: ['gold'] });
  const [saving, setSaving] = useState(false);
  const ranking = detail.resolvedRanking;
  const current = gold.data?.find((entry) => entry.itemId === detail.id) ?? null;
  const same = current !== null && ranking !== null && current.ranking.join(',') === ranking.join(',');

  async function useAsGold(): Promise<void> {
    if (!ranking) return;
    setSaving(true);
    try {
      const saved = await client.invoke('team.setGold', { itemId: detail.id, ranking });
      gold.reload();
      toastSuccess(`${detail.id} is a gold item; its answer is ${rankingOrderText(saved.ranking)}.`);
    } catch (failure) {
      toastError(failure, `Making ${detail.id} a gold item`);
    } finally {
      setSaving(false);
    }
  }

  if (current && same) {
    return (
      <div className="gold-item-action">
        <span className="tag" title="Members are scored against this answer (Team → Gold items)" data-testid="detail-gold-tag">
          gold item · answer {rankingOrderText(current.ranking)}
        </span>
      </div>
    );
  }
  return (
    <div className="gold-item-action">
      {current && (
        <span className="tag" title="The gold answer differs from the ranking export uses now" data-testid="detail-gold-tag">
          gold item · answer {rankingOrderText(current.ranking)}
        </span>
      )}
      <button
        type="button"
        className="button small"
        disabled={ranking === null || saving}
        aria-describedby={ranking === null ? reasonId : undefined}
        title={ranking ? `Members will be scored against ${rankingOrderText(ranking)}` : undefined}
        data-testid="detail-use-as-gold"
        onClick={() => void useAsGold()}
      >
        {saving ? 'Saving…' : current ? 'Update gold answer' : 'Use as gold item'}
      </button>
      {ranking === null && (
        <span id={reasonId} className="small muted">
          needs a judgment first: its ranking becomes the answer
        </span>
      )}
    </div>
  );
}

export function GoldItemButton({ detail }: { detail: ItemDetail }) {
  const me = useTeamData('team.me', { team: [] });
  return me.data?.role === 'owner' ? <OwnerGoldButton detail={detail} /> : null;
}
