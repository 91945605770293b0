/**
 * The Annotate screen for a known annotator: queue toolbar, the item (image on the left; the
 * query, or the whole conversation before the responses, above them), the responses (A | B for a
 * pair, a rankable list for three or more) and the decision bar. The layout is a fixed grid: the
 * image frame, the conversation box and the response areas keep their size whatever the item, so
 * moving on never shifts anything under the person's eyes. A project with no images at all has
 * no image column (decided per project, so it does not change between items either).
 *
 * A team member (`member`) judges the queue the server hands them: no model in the loop (it reads
 * the owner's checkpoints and evaluations), their own progress in its place, and a queue that asks
 * for more at its end (AnnotationSession's memberQueue).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { earlierFoldable, threadOf } from '../../components/conversation';
import { ConversationThread } from '../../components/conversation-thread';
import { useDebounced } from '../../hooks/use-debounced';
import { useProjectStore } from '../../state/project-store';
import { toastError, useToastStore } from '../../state/toast-store';
import { afterNextPaint } from '../../components/after-next-paint';
import type { QueueItem, SessionSnapshot, UndoOutcome } from './annotation-session';
import { ImageViewer, type ImageViewerHandle } from './image-viewer';
import { ItemStrip } from './item-strip';
import { JumpDialog } from './jump-dialog';
import { latencyProbeEnabled, recordLatency } from './latency-probe';
import { ModelLoopControls } from './model-loop-controls';
import { modelScoreMarks } from './model-score-marks';
import { useShowModelScores } from './model-scores-preference';
import { NoteDialog } from './note-dialog';
import { PairDecisionBar } from './pair-decision-bar';
import { DEFAULT_QUEUE_FILTERS, type QueueFilters } from './queue-filters';
import { QueueStateView } from './queue-state-view';
import { QueueToolbar } from './queue-toolbar';
import { RankingEntryBar } from './ranking-entry-bar';
import {
  moveInOrder,
  pairChoiceOf,
  pairDraft,
  positionsFromRanking,
  rankingFromPositions,
  type PairChoice,
  type Strength,
} from './ranking-from-decision';
import { ResponseCard, type ResponseMark } from './response-card';
import { ShortcutOverlay } from './shortcut-overlay';
import { useAnnotateKeys } from './use-annotate-keys';
import { useAnnotationSession } from './use-annotation-session';
import { useModelScores } from './use-model-scores';
import { useQueueScoring } from './use-queue-scoring';
import { myProgressText, useMyProgress } from './use-my-progress';
import '../../styles/model-in-loop.css';

const SEARCH_DEBOUNCE_MS = 250;

interface RankDraft {
  itemId: string;
  ranks: (number | null)[];
  /** True while the ranks are the saved judgment, untouched: typing starts a new ranking. */
  fromSaved: boolean;
}

function initialRanks(snapshot: SessionSnapshot): RankDraft | null {
  const { item, mine, order } = snapshot;
  if (!item) return null;
  if (mine && mine.ranking.length === order.length) return { itemId: item.id, ranks: positionsFromRanking(mine.ranking, order), fromSaved: true };
  return { itemId: item.id, ranks: order.map(() => null), fromSaved: false };
}

function pairMarks(choice: PairChoice | null): [ResponseMark, ResponseMark] {
  switch (choice) {
    case 'first':
      return ['better', 'worse'];
    case 'second':
      return ['worse', 'better'];
    case 'tie':
      return ['tie', 'tie'];
    case 'both_bad':
      return ['bad', 'bad'];
    default:
      return ['none', 'none'];
  }
}

export function AnnotateWorkspace({ projectDir, annotator, member = false }: { projectDir: string; annotator: string; member?: boolean }) {
  const [filters, setFilters] = useState<QueueFilters>(DEFAULT_QUEUE_FILTERS);
  const search = useDebounced(filters.search, SEARCH_DEBOUNCE_MS);
  const [showScoresChoice, setShowScores] = useShowModelScores();
  const showScores = showScoresChoice && !member;
  const queueScoring = useQueueScoring(!member);
  const myProgress = useMyProgress(member);
  // 'uncertain' follows the newest finished scoring of the queue: a new one re-orders it.
  const queueOrder = member ? 'queue' : filters.order;
  const evaluationId = queueOrder === 'uncertain' ? queueScoring.readyEvaluationId : null;
  const { session, snapshot } = useAnnotationSession(
    projectDir,
    annotator,
    { ...filters, order: queueOrder, search, evaluationId },
    { memberQueue: member, onJudgmentConfirmed: myProgress.refetchSoon },
  );
  const { item, order, mine, status } = snapshot;
  const ready = status === 'ready' && item !== null;
  // Fetched after the item painted; never part of the key-to-paint path.
  const modelScores = useModelScores(showScores, ready ? item.id : null, queueScoring.generation);
  const scoreMarks = modelScores.status === 'ready' && modelScores.scores ? modelScoreMarks(modelScores.scores.scores, order) : null;

  const viewer = useRef<ImageViewerHandle>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const shownAt = useRef<number | null>(null);
  const pendingKey = useRef<{ keyAt: number; prefetched: boolean } | null>(null);
  const [overlay, setOverlay] = useState(false);
  const [noteOpen, setNoteOpen] = useState(false);
  const [jumpOpen, setJumpOpen] = useState(false);
  const [rankDraft, setRankDraft] = useState<RankDraft | null>(null);
  const dragFrom = useRef<number | null>(null);
  // Earlier turns of a conversation: folded at first; unfolding (c) holds for the next items too.
  const [earlierOpen, setEarlierOpen] = useState(false);
  // A project without a single image gets no image column: the layout is the project's, so it
  // still never changes between items.
  const textOnly = useProjectStore((state) => state.project !== null && state.project.imageCount === 0);
  // The box above the responses is sized for the queue, from its first item: a conversation gets
  // a share of the column, a single query a compact box. Decided once per session (filters start
  // a new one), so it never changes between items; a project mixing both kinds just scrolls more.
  const promptBox = useRef<{ session: unknown; kind: 'conversation' | 'query' } | null>(null);
  if (item && promptBox.current?.session !== session) promptBox.current = { session, kind: item.prompt ? 'conversation' : 'query' };
  const promptKind = promptBox.current?.kind ?? 'query';
  const foldable = useMemo(() => (item ? earlierFoldable(threadOf(item.query, item.prompt)) : false), [item]);

  const root = useRef<HTMLDivElement>(null);
  // Arriving from the nav: take focus off the nav button, so keys clearly act on the item.
  useEffect(() => {
    if (document.activeElement instanceof HTMLElement && document.activeElement.closest('[data-testid="side-nav"]')) root.current?.focus();
  }, []);

  const draft = rankDraft && item && rankDraft.itemId === item.id ? rankDraft : initialRanks(snapshot);
  const ranks = draft?.ranks ?? [];

  // "Visible" = the frame showing this item (with its image decoded) was painted: the judgment's
  // time starts there, and the benchmark's latency probe ends there.
  const itemId = item?.id ?? null;
  useLayoutEffect(() => {
    if (!itemId || status !== 'ready') return;
    // Until the paint is confirmed, the commit is the best estimate (a key pressed within the same
    // frame still gets a time).
    const committedAt = performance.now();
    shownAt.current = committedAt;
    const pending = pendingKey.current;
    pendingKey.current = null;
    let live = true;
    let cancel = () => {};
    const paint = () => {
      if (!live) return;
      cancel = afterNextPaint((paintedAt) => {
        shownAt.current = paintedAt;
        if (pending && latencyProbeEnabled()) recordLatency({ itemId, keyAt: pending.keyAt, committedAt, paintedAt, prefetched: pending.prefetched });
      });
    };
    const image = viewer.current?.element() ?? null;
    if (image && !image.complete) image.decode().then(paint, paint);
    else paint();
    return () => {
      live = false;
      cancel();
    };
  }, [itemId, status]);

  // Filters changed: the search box keeps focus, everything else starts over.
  useEffect(() => {
    setRankDraft(null);
  }, [session]);

  function elapsed(): number | null {
    return shownAt.current === null ? null : Math.max(0, performance.now() - shownAt.current);
  }

  function movedOn(event: KeyboardEvent | null, move: () => void): void {
    const keyAt = event ? event.timeStamp : performance.now();
    move();
    pendingKey.current = { keyAt, prefetched: session?.currentIsCached() ?? false };
  }

  function decidePair(choice: PairChoice, strength: Strength | undefined, event: KeyboardEvent | null): void {
    if (!session || !ready || order.length !== 2) return;
    const judgment = pairDraft(choice, order, choice === 'first' || choice === 'second' ? strength : undefined);
    const time = elapsed();
    movedOn(event, () => session.decide(judgment, time));
  }

  function commitRanking(event: KeyboardEvent | null): void {
    if (!session || !ready || !draft) return;
    const ranking = rankingFromPositions(draft.ranks, order);
    if (!ranking) return;
    const allTied = ranking.every((rank) => rank === ranking[0]);
    const time = elapsed();
    movedOn(event, () => session.decide({ ranking, decision: allTied ? 'tie' : 'ranked' }, time));
  }

  function typeRank(rank: number): void {
    if (!ready || !draft || rank > draft.ranks.length) return;
    const base = draft.fromSaved ? draft.ranks.map(() => null) : [...draft.ranks];
    const slot = base.findIndex((value) => value === null);
    if (slot < 0) return;
    base[slot] = rank;
    setRankDraft({ itemId: draft.itemId, ranks: base, fromSaved: false });
  }

  function eraseRank(): void {
    if (!draft) return;
    const base = draft.fromSaved ? draft.ranks.map(() => null) : [...draft.ranks];
    let last = -1;
    base.forEach((value, index) => {
      if (value !== null) last = index;
    });
    if (last >= 0) base[last] = null;
    setRankDraft({ itemId: draft.itemId, ranks: base, fromSaved: false });
  }

  function clearRanks(): void {
    if (draft) setRankDraft({ itemId: draft.itemId, ranks: draft.ranks.map(() => null), fromSaved: false });
  }

  async function undo(): Promise<void> {
    if (!session) return;
    try {
      useToastStore.getState().push({ kind: 'info', message: undoMessage(await session.undo()) });
    } catch (error) {
      toastError(error, 'Undo');
    }
  }

  async function toggleFlag(): Promise<void> {
    if (!session || !item) return;
    try {
      await session.setFlag(!item.flagged);
    } catch (error) {
      toastError(error, `Flagging ${item.id}`);
    }
  }

  useAnnotateKeys({
    responseCount: ready ? order.length : 0,
    overlayOpen: overlay,
    pair: (choice, strength, event) => decidePair(choice, strength, event),
    typeRank,
    eraseRank,
    clearRanks,
    commitRanking: (event) => commitRanking(event),
    skip: (event) => session && movedOn(event, () => session.next()),
    previous: (event) => session && movedOn(event, () => session.previous()),
    undo: () => void undo(),
    jump: () => setJumpOpen(true),
    note: () => item && setNoteOpen(true),
    flag: () => void toggleFlag(),
    toggleEarlier: () => foldable && setEarlierOpen((open) => !open),
    zoomIn: () => viewer.current?.zoomIn(),
    zoomOut: () => viewer.current?.zoomOut(),
    resetZoom: () => viewer.current?.reset(),
    nextImage: () => viewer.current?.nextImage(),
    toggleOverlay: () => setOverlay((open) => !open),
    focusSearch: () => {
      searchRef.current?.focus();
      searchRef.current?.select();
    },
  });

  const savedChoice = mine && item ? pairChoiceOf(mine.ranking, mine.decision, order) : null;
  const itemStrip = item ? <ItemStrip item={item} mine={mine} order={order} onNote={() => setNoteOpen(true)} onFlag={() => void toggleFlag()} /> : null;
  const marks = pairMarks(savedChoice);

  return (
    <div className="annotate-view" ref={root} tabIndex={-1} data-testid="annotate-view" data-status={status} data-item-id={ready ? item.id : ''}>
      <QueueToolbar
        ref={searchRef}
        filters={filters}
        onChange={setFilters}
        onDone={() => root.current?.focus()}
        position={snapshot.position}
        total={snapshot.total}
        decided={snapshot.decided}
        saving={snapshot.saving}
        annotator={annotator}
        onHelp={() => setOverlay(true)}
        member={member}
        modelControls={
          member ? (
            <MyProgressChip progress={myProgress.progress} />
          ) : (
            <ModelLoopControls scoring={queueScoring} showScores={showScores} onShowScores={setShowScores} itemScores={modelScores} />
          )
        }
      />
      {item && (status === 'ready' || status === 'loading') ? (
        <div className={`annotate-body${textOnly ? ' text-only' : ''}${status === 'loading' ? ' stale' : ''}`} data-layout={textOnly ? 'text-only' : 'image'} data-prompt={promptKind}>
          {textOnly ? null : (
            <div className="annotate-left">
              {itemStrip}
              <ImageViewer ref={viewer} itemId={item.id} images={item.images} />
            </div>
          )}
          <div className="annotate-right">
            {textOnly && itemStrip}
            <ConversationThread
              key={item.id}
              bounded
              query={item.query}
              prompt={item.prompt}
              images={item.images}
              expanded={earlierOpen}
              onToggle={() => setEarlierOpen((open) => !open)}
              shortcut="c"
              onImage={(index) => viewer.current?.showImage(index)}
            />
            {order.length === 2 ? (
              <>
                <div className="responses-pair" data-testid="annotate-responses" data-layout="pair">
                  {order.map((original, position) => (
                    <ResponseCard key={`${item.id}:${position}`} position={position} text={item.responses[original] ?? ''} mark={marks[position] ?? 'none'} modelScore={scoreMarks?.[position] ?? null} />
                  ))}
                </div>
                <PairDecisionBar saved={savedChoice} disabled={!ready} onDecide={(choice, strength) => decidePair(choice, strength, null)} onSkip={() => session?.next()} />
              </>
            ) : (
              <>
                <div className={`responses-list count-${Math.min(order.length, 6)}`} data-testid="annotate-responses" data-layout="ranking">
                  {order.map((original, position) => {
                    const rank = ranks[position] ?? null;
                    return (
                      <ResponseCard
                        key={`${item.id}:${position}`}
                        position={position}
                        text={item.responses[original] ?? ''}
                        mark={rank === null ? 'none' : rank === 1 ? 'better' : 'none'}
                        modelScore={scoreMarks?.[position] ?? null}
                        draggable={ready}
                        onDragStart={(from) => (dragFrom.current = from)}
                        onDrop={(to) => {
                          const from = dragFrom.current;
                          dragFrom.current = null;
                          if (from === null || from === to || !draft) return;
                          setRankDraft({ itemId: draft.itemId, ranks: moveInOrder(draft.ranks, from, to), fromSaved: false });
                        }}
                        badge={
                          <span className={rank === null ? 'rank-slot empty' : 'rank-slot'} data-testid="rank-slot">
                            {rank === null ? '–' : `#${rank}`}
                          </span>
                        }
                      />
                    );
                  })}
                </div>
                <RankingEntryBar
                  ranks={ranks}
                  saved={Boolean(draft?.fromSaved)}
                  disabled={!ready}
                  onCommit={() => commitRanking(null)}
                  onClear={clearRanks}
                  onSkip={() => session?.next()}
                />
              </>
            )}
          </div>
        </div>
      ) : (
        <QueueStateView snapshot={snapshot} filters={filters} onFilters={setFilters} member={member} onCheckAgain={() => void session?.checkAgain()} />
      )}
      {overlay && <ShortcutOverlay onClose={() => setOverlay(false)} />}
      {noteOpen && item && session && (
        <NoteDialog
          itemId={item.id}
          initial={item.note}
          onClose={() => setNoteOpen(false)}
          onSave={async (note) => {
            try {
              await session.setNote(note);
            } catch (error) {
              toastError(error, `Saving the note on ${item.id}`);
            }
          }}
        />
      )}
      {jumpOpen && session && <JumpDialog onClose={() => setJumpOpen(false)} onJump={(id) => session.goTo(id)} />}
    </div>
  );
}

export type { QueueItem };

/** A member's own figures in the toolbar: "Today 12 · total 40 · gold 4/5". */
function MyProgressChip({ progress }: { progress: ReturnType<typeof useMyProgress>['progress'] }) {
  if (!progress) return null;
  const { counts, gold } = myProgressText(progress);
  return (
    <span className="my-progress small" data-testid="my-progress" title="Your judgments: today, and in this project in all">
      <span data-testid="my-progress-counts">{counts}</span>
      {gold && (
        <span className="muted" data-testid="my-progress-gold" title="Gold items: answers that matched the known one, of those you answered">
          {' · '}
          {gold}
        </span>
      )}
    </span>
  );
}

/** What an undo says it did: which item, and what it took back. */
export function undoMessage(outcome: UndoOutcome): string {
  if (outcome.kind === 'nothing') return 'Nothing to undo: you have no judgments left to take back.';
  const on = outcome.itemId ? ` on ${outcome.itemId}` : '';
  if (outcome.offline) return `Undid your last judgment${on}; the server hears of it when the connection is back.`;
  if (outcome.action === 'update') return `Undid your change${on}: your earlier judgment is back.`;
  if (outcome.action === 'delete') return `Undid removing your judgment${on}: it is back.`;
  return `Undid your judgment${on}: the item is to do again.`;
}
