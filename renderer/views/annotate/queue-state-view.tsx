/** What the Annotate body shows when there is no item: loading, an empty queue, the end, an error — each says what to do. */
import { formatCount } from '../../components/format';
import { useProjectStore } from '../../state/project-store';
import { useRouteStore } from '../../state/route-store';
import type { SessionSnapshot } from './annotation-session';
import { DEFAULT_QUEUE_FILTERS, queueFilterKey, type QueueFilters } from './queue-filters';

export interface QueueStateViewProps {
  snapshot: SessionSnapshot;
  filters: QueueFilters;
  onFilters(filters: QueueFilters): void;
  /** A team member: the end of the queue is what is handed to them for now, and it can grow. */
  member?: boolean;
  /** Asks the server for more items (a member's "Check again"). */
  onCheckAgain?(): void;
}

/** A member's end of the queue (or an empty one): more can be handed out later. */
function NothingAssigned({ decided, onCheckAgain }: { decided: number; onCheckAgain?: () => void }) {
  return (
    <div className="empty-state" data-testid="annotate-done" data-member="true">
      <p>Nothing more is assigned to you right now.</p>
      <p className="small muted">
        {decided > 0 ? `${formatCount(decided)} judged in this session. ` : ''}The project owner may hand out more items later; press <kbd>k</kbd> to go
        back or <kbd>z</kbd> to undo.
      </p>
      <div className="row">
        <button type="button" className="button primary" data-testid="annotate-check-again" onClick={onCheckAgain}>
          Check again
        </button>
      </div>
    </div>
  );
}

/** The way on once the judging is done: train on what is labeled (how many, said on the button). */
function TrainNext() {
  const navigate = useRouteStore((state) => state.navigate);
  const labeled = useProjectStore((state) => state.project?.labeledCount ?? 0);
  if (labeled === 0) return null;
  return (
    <button type="button" className="button primary" onClick={() => navigate('train')} data-testid="annotate-train-next">
      Train on {formatCount(labeled)} labeled items
    </button>
  );
}

export function QueueStateView({ snapshot, filters, onFilters, member = false, onCheckAgain }: QueueStateViewProps) {
  const navigate = useRouteStore((state) => state.navigate);
  const filtered = queueFilterKey(filters) !== queueFilterKey(DEFAULT_QUEUE_FILTERS);
  if (snapshot.status === 'error') {
    return (
      <div className="empty-state" data-testid="annotate-error">
        <p>Could not load the queue: {snapshot.error?.message ?? 'unknown error'}</p>
        <p className="small muted">{snapshot.error?.hint ?? 'Check the connection banner above, then change a filter to try again.'}</p>
      </div>
    );
  }
  if (member && (snapshot.status === 'done' || (snapshot.status === 'empty' && !filtered))) {
    return <NothingAssigned decided={snapshot.decided} onCheckAgain={onCheckAgain} />;
  }
  if (snapshot.status === 'empty') {
    return (
      <div className="empty-state" data-testid="annotate-empty">
        {filtered ? (
          <>
            <p>No items match these filters.</p>
            <button type="button" className="button" onClick={() => onFilters(DEFAULT_QUEUE_FILTERS)}>
              Clear filters
            </button>
          </>
        ) : (
          <>
            <p>You have judged every item in this project.</p>
            <p className="small muted">Review your judgments (filter “Judged by me”), compare with others in Agreement, or import more items on Home.</p>
            <div className="row">
              <button type="button" className="button" onClick={() => onFilters({ ...DEFAULT_QUEUE_FILTERS, judged: 'by-me' })}>
                Review mine
              </button>
              <button type="button" className="button" onClick={() => navigate('agreement')}>
                Agreement
              </button>
              <TrainNext />
            </div>
          </>
        )}
      </div>
    );
  }
  if (snapshot.status === 'done') {
    return (
      <div className="empty-state" data-testid="annotate-done">
        <p>End of this queue.</p>
        <p className="small muted">
          {formatCount(snapshot.decided)} judged in this session. Press <kbd>k</kbd> to go back, <kbd>z</kbd> to undo, or change the filters above.
        </p>
        <div className="row">
          <TrainNext />
        </div>
      </div>
    );
  }
  return (
    <div className="empty-state muted" data-testid="annotate-loading">
      Loading the queue…
    </div>
  );
}
