/**
 * One run in full: config, splits, data report and checkpoints (runs.get), followed live — the
 * summary from runs.onChanged, checkpoints from checkpoints.onAdded — and its log tail.
 */
import { useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { useStudioEvent } from '../../hooks/use-studio-event';
import type { CheckpointInfo, RunDetail, RunSummary } from '../../client/contract-types';

const MAX_LOG_LINES = 1000;

function upsertCheckpoint(list: readonly CheckpointInfo[], checkpoint: CheckpointInfo): CheckpointInfo[] {
  // A newly best checkpoint demotes the previous best.
  const others = list.filter((entry) => entry.id !== checkpoint.id).map((entry) => (checkpoint.isBest && entry.isBest ? { ...entry, isBest: false } : entry));
  return [...others, checkpoint].sort((a, b) => a.step - b.step);
}

export function useRunDetail(runId: number | null): { detail: RunDetail | null; error: string | null } {
  const client = useStudioClient();
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setDetail(null);
    setError(null);
    if (runId === null) return;
    let cancelled = false;
    client.invoke('runs.get', { id: runId }).then(
      (value) => !cancelled && setDetail(value),
      (failure: unknown) => !cancelled && setError(describeError(failure).message),
    );
    return () => {
      cancelled = true;
    };
  }, [client, runId]);

  const held = useRef(detail);
  held.current = detail;
  useStudioEvent('runs.onChanged', (summary: RunSummary) => {
    if (summary.id !== runId) return;
    setDetail((current) => (current ? { ...current, ...summary, checkpoints: current.checkpoints } : current));
    // The summary counts checkpoints; when the count differs from what we hold — ahead (an event
    // missed while reconnecting) or behind (keep-last-K deleted older ones) — fetch the list.
    const current = held.current;
    if (current && summary.checkpointCount !== current.checkpoints.length) {
      client.invoke('checkpoints.list', { runId: summary.id }).then(
        (checkpoints) => setDetail((latest) => (latest && latest.id === summary.id ? { ...latest, checkpoints } : latest)),
        () => undefined,
      );
    }
  });

  useStudioEvent('checkpoints.onAdded', (checkpoint) => {
    if (checkpoint.runId !== runId) return;
    setDetail((current) => (current ? { ...current, checkpoints: upsertCheckpoint(current.checkpoints, checkpoint) } : current));
  });

  return { detail, error };
}

/**
 * The fetched tail followed by the lines that arrived live meanwhile, without the lines both
 * contain (a line written while runs.log was answering comes both ways).
 */
export function joinLog(fetched: readonly string[], live: readonly string[]): string[] {
  for (let overlap = Math.min(fetched.length, live.length); overlap > 0; overlap -= 1) {
    let same = true;
    for (let k = 0; k < overlap && same; k += 1) same = fetched[fetched.length - overlap + k] === live[k];
    if (same) return [...fetched, ...live.slice(overlap)];
  }
  return [...fetched, ...live];
}

export function useRunLog(runId: number | null): string[] {
  const client = useStudioClient();
  const [lines, setLines] = useState<string[]>([]);

  useEffect(() => {
    setLines([]);
    if (runId === null) return;
    let cancelled = false;
    client.invoke('runs.log', { id: runId, lines: 300 }).then(
      (result) => !cancelled && setLines((live) => joinLog(result.lines, live).slice(-MAX_LOG_LINES)),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [client, runId]);

  useStudioEvent('runs.onLog', (event) => {
    if (event.runId !== runId) return;
    setLines((current) => [...current, ...event.lines].slice(-MAX_LOG_LINES));
  });

  return lines;
}
