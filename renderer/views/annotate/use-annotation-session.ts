/**
 * One AnnotationSession per (project, annotator, filters): a change of any of them starts a new
 * queue. The session lives outside React; this hook creates it, starts it, subscribes the view
 * to its snapshots, and forwards other people's judgment changes to it.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { outboxFor } from '../../client/action-outbox';
import { useStudioClient } from '../../client/client-context';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { toastError } from '../../state/toast-store';
import { AnnotationSession, type SessionSnapshot } from './annotation-session';
import { queueFilterKey, type QueueFilters } from './queue-filters';

const IDLE: SessionSnapshot = {
  status: 'loading',
  item: null,
  order: [],
  mine: null,
  position: 0,
  total: null,
  decided: 0,
  saving: 0,
  error: null,
};
const noop = () => () => {};

export interface AnnotationSessionHookOptions {
  /** A team member's queue (handed out a batch at a time; see AnnotationSession). */
  memberQueue?: boolean;
  /** The server confirmed a judgment or an undo of one. */
  onJudgmentConfirmed?(): void;
}

export function useAnnotationSession(
  projectDir: string,
  annotator: string,
  filters: QueueFilters,
  options: AnnotationSessionHookOptions = {},
): { session: AnnotationSession | null; snapshot: SessionSnapshot } {
  const client = useStudioClient();
  const [session, setSession] = useState<AnnotationSession | null>(null);
  const key = queueFilterKey(filters);
  const memberQueue = options.memberQueue === true;
  const onConfirmed = useRef(options.onJudgmentConfirmed);
  onConfirmed.current = options.onJudgmentConfirmed;

  useEffect(() => {
    const created = new AnnotationSession(
      client,
      outboxFor(client),
      projectDir,
      annotator,
      filters,
      {
        onWriteError: (error, action) => toastError(error, action),
        onJudgmentConfirmed: () => onConfirmed.current?.(),
      },
      { memberQueue },
    );
    setSession(created);
    void created.start();
    return () => created.dispose();
    // `filters` is represented by `key`: a new object with the same values must not restart the queue.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, projectDir, annotator, key, memberQueue]);

  useStudioEvent('judgments.onChanged', ({ itemId, annotator: who }) => {
    if (session && who !== annotator) session.invalidate(itemId);
  });

  const snapshot = useSyncExternalStore(session?.subscribe ?? noop, session?.getSnapshot ?? (() => IDLE));
  return { session, snapshot };
}
