/**
 * Progress (owner and reviewer), live: read again when judgments or the team change (at most
 * every REFRESH_DELAY_MS) and whenever the view is shown.
 */
import { Panel } from '../../components/panel';
import { useRouteStore } from '../../state/route-store';
import { ProgressFigures } from './progress-figures';
import { ProgressTable } from './progress-table';
import { useNow } from './use-now';
import { useTeamData } from './use-team-data';

export function ProgressPanel() {
  const progress = useTeamData('team.progress', { team: ['members', 'plan', 'gold'], judgments: true });
  const now = useNow();

  return (
    <Panel title="Progress" testId="team-progress">
      {progress.error && !progress.data ? (
        <p className="small danger" data-testid="team-progress-error">
          Could not read the progress: {progress.error.message}{' '}
          <button type="button" className="button small" onClick={progress.reload}>
            Try again
          </button>
        </p>
      ) : !progress.data ? (
        <p className="small muted">Counting…</p>
      ) : (
        <div className="stack">
          <ProgressFigures project={progress.data.project} plan={progress.data.plan} onOpenConflicts={() => useRouteStore.getState().navigate('agreement')} />
          <ProgressTable members={progress.data.members} now={now} />
        </div>
      )}
    </Panel>
  );
}
