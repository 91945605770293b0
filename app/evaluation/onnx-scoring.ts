/**
 * The ONNX engine: scores the frozen data.jsonl in-process with onnxruntime-node, through the
 * RewardScorer interface, on the newest ONNX export of the checkpoint under `<project>/exports/`.
 * It writes results.jsonl in the worker's format, so storing and measuring are the same code as
 * for the Python engine.
 */
import type { Problem } from '../errors';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { listExports } from '../scoring/model-exports';
import { type ImageResize, resizeNotice } from '../onnx/image-resize-notice';
import type { RewardScorer, ScoreItem, ScoreMessage } from '../scoring/reward-scorer';
import type { ModelExport } from '../scoring/types';
import { ScoringFailure, type RunningScoring, type ScoringEngineRunner, type ScoringJob, type ScoringReport } from './scoring-engine';

export interface OnnxScoringOptions {
  projectDir: string;
  /** Loads an export folder (OnnxRewardScorer.load; injectable so the engine stays free of onnxruntime at import). */
  load: (exportDir: string, label: string) => Promise<RewardScorer>;
}

interface DataLine {
  id: string;
  query: string;
  image?: string | string[];
  response: string[];
  /** The conversation before the responses (seed export's optional field; image parts match `image`). */
  messages?: ScoreMessage[];
  tools?: Record<string, unknown>[];
}

export class OnnxScoring implements ScoringEngineRunner {
  constructor(private readonly options: OnnxScoringOptions) {}

  /** The newest ONNX export made from this checkpoint, or null. */
  exportOf(checkpointId: number): ModelExport | null {
    return listExports(this.options.projectDir).find((entry) => entry.format === 'onnx' && entry.checkpointId === checkpointId) ?? null;
  }

  unavailable(checkpointId: number): Problem | null {
    if (this.exportOf(checkpointId)) return null;
    return {
      message: `checkpoint ${checkpointId} has no ONNX export, so the onnx engine cannot score it`,
      hint: 'Export it to ONNX first (Runs → checkpoint menu → Export ONNX), or evaluate with the Python engine.',
    };
  }

  async start(job: ScoringJob, onProgress: (done: number, total: number) => void): Promise<RunningScoring> {
    const exported = this.exportOf(job.checkpointId);
    if (!exported) {
      const problem = this.unavailable(job.checkpointId) as Problem;
      throw new ScoringFailure(problem.message, problem.hint);
    }
    let cancelled = false;
    const finishedScoring = (async (): Promise<ScoringReport> => {
      const scorer = await this.options.load(exported.path, `${exported.runName} step ${exported.step} (ONNX)`);
      const out = createWriteStream(job.resultsFile, { encoding: 'utf8' });
      try {
        const lines = (await readFile(job.dataFile, 'utf8')).split('\n').filter((line) => line.trim() !== '');
        let done = 0;
        const resizes: (ImageResize | null)[] = [];
        for (const line of lines) {
          if (cancelled) throw new ScoringFailure('cancelled', undefined, true);
          const row = JSON.parse(line) as DataLine;
          const item = await scoreItem(row, scorer);
          let scores: number[] | undefined;
          if (scorer.scoreWithResizes) {
            const scored = await scorer.scoreWithResizes([item]);
            scores = scored.scores[0];
            resizes.push(scored.resized[0] ?? null);
          } else {
            [scores] = await scorer.score([item]);
          }
          if (!out.write(`${JSON.stringify({ id: row.id, scores })}\n`)) await once(out, 'drain');
          done += 1;
          onProgress(done, lines.length);
        }
        out.end();
        await finished(out);
        return { truncatedResponses: 0, droppedItems: 0, imageNotice: resizeNotice(resizes) };
      } catch (error) {
        out.destroy();
        throw error instanceof ScoringFailure ? error : new ScoringFailure(`ONNX scoring with ${exported.path} failed: ${(error as Error).message}`, (error as { hint?: string }).hint ?? 'Score with the Python engine instead.');
      } finally {
        await scorer.close();
      }
    })();
    finishedScoring.catch(() => undefined);
    return { pid: null, finished: finishedScoring, cancel: () => { cancelled = true; } };
  }
}

async function scoreItem(row: DataLine, scorer: RewardScorer): Promise<ScoreItem> {
  const images = row.image === undefined ? [] : Array.isArray(row.image) ? row.image : [row.image];
  if (row.messages !== undefined) {
    // The whole conversation goes to the scorer, which renders it as the export recorded, or
    // refuses it with what to do (tools, several images): never scored as its last question.
    if (images.length > 0 && !scorer.acceptsImages) throw new ScoringFailure(`item "${row.id}" has an image but the ONNX export is text-only`, 'Evaluate with the Python engine.');
    const files = await Promise.all(images.map((image) => readFile(image)));
    return {
      query: row.query,
      responses: row.response,
      image: null,
      conversation: { messages: row.messages, tools: row.tools ?? null, images: files },
    };
  }
  if (images.length > 1) throw new ScoringFailure(`item "${row.id}" has ${images.length} images; ONNX exports take one`, 'Evaluate this split with the Python engine.');
  if (images.length === 1 && !scorer.acceptsImages) throw new ScoringFailure(`item "${row.id}" has an image but the ONNX export is text-only`, 'Evaluate with the Python engine.');
  return { query: row.query, responses: row.response, image: images.length === 1 ? await readFile(images[0] as string) : null };
}
