/**
 * Reading what a run's worker wrote into its folder, for the run view: the metric rows of
 * metrics.sqlite, the tail of its console output, the data report of its start.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { lastLines } from './log-tail';
import type { Problem } from '../errors';
import { MetricsReader, type WorkerCheckpoint, type WorkerStatus } from './metrics-reader';
import { problemFromEvent } from './run-follower';
import { CONSOLE_LOG, METRICS_FILE, WORKER_LOG } from './run-directory';
import type { MetricsBatch } from './types';

/** Every scalar row after `afterId` (of the given tags), straight from the run's metrics.sqlite. */
export function readMetrics(runId: number, dir: string, afterId: number, tags?: string[]): MetricsBatch {
  const reader = MetricsReader.tryOpen(path.join(dir, METRICS_FILE));
  if (!reader) return { runId, rows: [], lastId: afterId };
  try {
    const { rows, lastId } = reader.allScalarsAfter(afterId, tags);
    return { runId, rows, lastId };
  } finally {
    reader.close();
  }
}

/** The last lines of the worker's console output (worker.log for runs started from a shell). */
export function readLogTail(dir: string, count: number): string[] {
  const consoleLog = path.join(dir, CONSOLE_LOG);
  return lastLines(existsSync(consoleLog) ? consoleLog : path.join(dir, WORKER_LOG), count);
}

/** The data report the worker wrote at its start (items dropped for length, pairs), if any. */
export function readDataReport(dir: string): Record<string, unknown> | null {
  const reader = MetricsReader.tryOpen(path.join(dir, METRICS_FILE));
  if (!reader) return null;
  try {
    const event = reader.lastEvent('data_report');
    return event ? (JSON.parse(event.json) as Record<string, unknown>) : null;
  } finally {
    reader.close();
  }
}

export interface WorkerRecord {
  status: WorkerStatus | null;
  lastError: Problem | null;
  checkpoints: WorkerCheckpoint[];
  figures: ReturnType<MetricsReader['summaryFigures']>;
}

/** What a restarted studio needs of a run it finds recorded as active; null before the worker made its file. */
export function readWorkerRecord(dir: string): WorkerRecord | null {
  const reader = MetricsReader.tryOpen(path.join(dir, METRICS_FILE));
  if (!reader) return null;
  try {
    const event = reader.lastEvent('error');
    return { status: reader.status(), lastError: event ? problemFromEvent(event) : null, checkpoints: reader.checkpoints(), figures: reader.summaryFigures() };
  } finally {
    reader.close();
  }
}
