/**
 * The evaluation commands through the real router and handler table, on evaluations whose scores
 * are chosen by hand (stored by the same code that stores a worker's results.jsonl), so every
 * filter, count, difference and order below is known in advance. The real worker is exercised in
 * evaluation-manager.test.ts.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandInput } from '../../app/contract';
import { evaluationDir, freezeEvaluationData } from '../../app/evaluation/evaluation-data';
import { measureEvaluation, storeResults } from '../../app/evaluation/evaluation-scores';
import { createRouter, type Router } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';
import { routerCalls } from '../fixtures/router-calls';

let studio: Studio;
let router: Router;
const savedHome = process.env.REWARD_STUDIO_HOME;
let evalA: number;
let evalB: number;
let checkpointB: number;

const { call, failure } = routerCalls(() => router);

/** A run with one checkpoint; `created` orders checkpoints in time. */
function addCheckpoint(name: string, config: Record<string, unknown>, created: string): number {
  const db = studio.project().db;
  const run = Number(db.prepare(`INSERT INTO runs (name, dir, status, config_json, created_at) VALUES (?, ?, 'finished', ?, ?)`).run(name, join(tempDir(), name), JSON.stringify(config), created).lastInsertRowid);
  return Number(db.prepare('INSERT INTO checkpoints (run_id, step, path, created_at) VALUES (?, 10, ?, ?)').run(run, join(tempDir(), name, 'step-10'), created).lastInsertRowid);
}

/** An evaluation of the train split whose "worker" scored as given: frozen, stored and measured by the studio's code. */
async function evaluated(checkpointId: number, scores: Record<string, number[]>): Promise<number> {
  const store = studio.project();
  const id = Number(store.db.prepare(`INSERT INTO evaluations (checkpoint_id, split, engine, status, created_at) VALUES (?, 'train', 'python', 'running', ?)`).run(checkpointId, new Date().toISOString()).lastInsertRowid);
  const dir = evaluationDir(store.dir, id);
  mkdirSync(dir, { recursive: true });
  await freezeEvaluationData(store, id, 'train', join(dir, 'data.jsonl'));
  const results = join(dir, 'results.jsonl');
  const text = Object.entries(scores).map(([itemId, list]) => `${JSON.stringify({ id: itemId, scores: list })}\n`).join('');
  writeFileSync(results, text);
  store.db.transaction(() => {
    storeResults(store.db, id, text, results);
    const metrics = measureEvaluation(store.db, id, { truncatedResponses: 0, droppedItems: 0, seconds: 1 });
    store.db.prepare(`UPDATE evaluations SET status = 'finished', metrics_json = ?, dir = ? WHERE id = ?`).run(JSON.stringify(metrics), dir, id);
  })();
  return id;
}

beforeEach(async () => {
  process.env.REWARD_STUDIO_HOME = join(tempDir(), 'home');
  studio = new Studio({ kind: 'browser' });
  router = createRouter(createHandlers(studio));
  studio.createProject(join(tempDir(), 'project'), 'Evaluation handlers');
  const train = join(tempDir(), 'train.jsonl');
  writeJsonl(train, [
    { id: 'it-01', query: 'q1', response: ['a', 'b'], human_ranking: [0, 1] },
    { id: 'it-02', query: 'q2', response: ['a', 'b'], human_ranking: [0, 1] },
    { id: 'it-03', query: 'q3', response: ['a', 'b'], human_ranking: [1, 0] },
    { id: 'it-04', query: 'q4', response: ['a', 'b'], human_ranking: [0, 1] },
    { id: 'it-05', query: 'q5', response: ['a', 'b', 'c'], human_ranking: [0, 1, 2] },
    { id: 'it-06', query: 'q6', response: ['a', 'b'] },
  ]);
  const val = join(tempDir(), 'val.jsonl');
  writeJsonl(val, [{ id: 'it-07', query: 'q7', response: ['a', 'b'] }]);
  await call('dataset.import', { file: train, split: 'train' });
  await call('dataset.import', { file: val, split: 'val' });
  const store = studio.project();
  const importer = store.getItem('it-01').judgments[0]?.annotator as string;
  store.saveJudgment({ itemId: 'it-01', annotator: 'bob', ranking: [0, 1] });
  store.saveJudgment({ itemId: 'it-02', annotator: 'bob', ranking: [1, 0] });
  // bob's later judgment of it-02 is the resolved one now; put the import's back on top (a later
  // millisecond: the resolved judgment is the most recently updated).
  await new Promise((resolve) => setTimeout(resolve, 5));
  store.saveJudgment({ itemId: 'it-02', annotator: importer, ranking: [0, 1] });

  const checkpointA = addCheckpoint('lr-small', { learning_rate: 1e-4, batch_size: 4, lora: { r: 8 } }, '2026-01-01T00:00:00.000Z');
  checkpointB = addCheckpoint('lr-large', { learning_rate: 3e-4, batch_size: 4, lora: { r: 16 } }, '2026-01-02T00:00:00.000Z');
  // A: it-01 right, it-02 wrong, it-03 right, it-04 wrong, it-05 wrong (accuracy 2/5).
  evalA = await evaluated(checkpointA, { 'it-01': [2, 1], 'it-02': [0, 1], 'it-03': [0, 1], 'it-04': [0, 3], 'it-05': [1, 3, 2], 'it-06': [1, 1.5] });
  // B: it-01 wrong, it-02 right, it-03 right, it-04 wrong, it-05 right (accuracy 3/5).
  evalB = await evaluated(checkpointB, { 'it-01': [1, 2], 'it-02': [3, 0], 'it-03': [0.5, 0.7], 'it-04': [0, 2], 'it-05': [1, 0.5, 0], 'it-06': [2, 0] });
});

afterEach(() => {
  studio.close();
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
});

describe('evaluation commands', () => {
  it('compare: differences, config diff, scatter, counts', async () => {
    const comparison = await call('evaluations.compare', { a: evalA, b: evalB });
    expect(comparison.a.metrics?.accuracy).toBeCloseTo(0.4, 12);
    expect(comparison.b.metrics?.accuracy).toBeCloseTo(0.6, 12);
    expect(comparison.difference.accuracy).toBeCloseTo(0.2, 12);
    expect(comparison.difference.items).toBe(0);
    expect(comparison.configDiff).toEqual([
      { key: 'learning_rate', a: 1e-4, b: 3e-4 },
      { key: 'lora.r', a: 8, b: 16 },
    ]);
    expect(comparison.scatter).toEqual({
      itemIds: ['it-01', 'it-02', 'it-03', 'it-04', 'it-05'],
      marginA: [1, -1, 1, -3, -2],
      marginB: [-1, 3, 0.7 - 0.5, -2, 0.5],
      correctA: [true, false, true, false, false],
      correctB: [false, true, true, false, true],
    });
    expect(comparison.counts).toEqual({ all: 5, 'a-only': 1, 'b-only': 2, 'both-wrong': 1, 'both-right': 1, disagree: 3 });
  });

  it('compareItems: each filter, split, agreement and paging', async () => {
    const listed = async (input: Partial<CommandInput<'evaluations.compareItems'>>) =>
      (await call('evaluations.compareItems', { a: evalA, b: evalB, ...input } as CommandInput<'evaluations.compareItems'>)).rows.map((row) => row.itemId);
    expect(await listed({})).toEqual(['it-01', 'it-02', 'it-03', 'it-04', 'it-05']);
    expect(await listed({ filter: 'a-only' })).toEqual(['it-01']);
    expect(await listed({ filter: 'b-only' })).toEqual(['it-02', 'it-05']);
    expect(await listed({ filter: 'both-wrong' })).toEqual(['it-04']);
    expect(await listed({ filter: 'both-right' })).toEqual(['it-03']);
    expect(await listed({ filter: 'disagree' })).toEqual(['it-01', 'it-02', 'it-05']);
    expect(await listed({ split: 'val' })).toEqual([]);
    expect(await listed({ agreement: 'agree' })).toEqual(['it-01']);
    expect(await listed({ agreement: 'disagree' })).toEqual(['it-02']);
    expect(await listed({ agreement: 'single' })).toEqual(['it-03', 'it-04', 'it-05']);
    expect(await listed({ filter: 'b-only', agreement: 'single' })).toEqual(['it-05']);
    const page = await call('evaluations.compareItems', { a: evalA, b: evalB, filter: 'all', offset: 1, limit: 2 } as CommandInput<'evaluations.compareItems'>);
    expect(page.total).toBe(5);
    expect(page.rows).toEqual([
      { itemId: 'it-02', split: 'train', query: 'q2', responses: 2, humanRanking: [0, 1], agreement: 'disagree', scoresA: [0, 1], scoresB: [3, 0], correctA: false, correctB: true, marginA: -1, marginB: 3 },
      { itemId: 'it-03', split: 'train', query: 'q3', responses: 2, humanRanking: [1, 0], agreement: 'single', scoresA: [0, 1], scoresB: [0.5, 0.7], correctA: true, correctB: true, marginA: 1, marginB: 0.7 - 0.5 },
    ]);
    // An adjudication wins over the disagreement.
    studio.project().saveJudgment({ itemId: 'it-02', annotator: 'carol', ranking: [0, 1], source: 'adjudication' });
    expect(await listed({ agreement: 'adjudicated' })).toEqual(['it-02']);
    expect(await listed({ agreement: 'disagree' })).toEqual([]);
  });

  it('itemScores: the latest checkpoint by default, chosen evaluations in order', async () => {
    const latest = await call('evaluations.itemScores', { itemId: 'it-05' });
    expect(latest).toEqual([{ evaluationId: evalB, checkpointId: checkpointB, runName: 'lr-large', step: 10, scores: [1, 0.5, 0], correct: true, margin: 0.5, topGap: 0.5 }]);
    const chosen = await call('evaluations.itemScores', { itemId: 'it-06', evaluationIds: [evalA, evalB] });
    expect(chosen.map((entry) => [entry.evaluationId, entry.scores, entry.correct, entry.margin, entry.topGap])).toEqual([
      [evalA, [1, 1.5], null, null, 0.5],
      [evalB, [2, 0], null, null, 2],
    ]);
    expect(await call('evaluations.itemScores', { itemId: 'it-07' })).toEqual([]);
    expect(await failure('evaluations.itemScores', { itemId: 'nope' })).toContain('no item with id "nope"');
  });

  it("items.list order 'uncertain': by the top gap of the latest checkpoint's evaluation, then the rest in queue order", async () => {
    const order = async (input: Partial<CommandInput<'items.list'>>) =>
      (await call('items.list', { order: 'uncertain', ...input } as CommandInput<'items.list'>)).items.map((item) => item.id);
    // B's gaps: it-03 0.2, it-05 0.5, it-01 1, it-04 2, it-06 2 (tie: import order), it-02 3; it-07 unscored.
    expect(await order({})).toEqual(['it-03', 'it-05', 'it-01', 'it-04', 'it-06', 'it-02', 'it-07']);
    expect(await order({ offset: 4, limit: 2 })).toEqual(['it-06', 'it-02']);
    expect(await order({ offset: 5, limit: 2 })).toEqual(['it-02', 'it-07']);
    // A's gaps: it-06 0.5, then it-01, it-02, it-03, it-05 (1 each), it-04 3.
    expect(await order({ evaluationId: evalA })).toEqual(['it-06', 'it-01', 'it-02', 'it-03', 'it-05', 'it-04', 'it-07']);
    expect(await order({ status: 'unlabeled' })).toEqual(['it-06', 'it-07']);
    expect(await order({ split: 'val' })).toEqual(['it-07']);
    expect(await failure('items.list', { order: 'uncertain', evaluationId: 12345 })).toContain('no evaluation with id 12345');
  });

  it('list, get, refusals with what to do; folders of evaluations whose rows are gone are removed', async () => {
    const orphan = evaluationDir(studio.project().dir, 999);
    mkdirSync(orphan, { recursive: true });
    writeFileSync(join(orphan, 'results.jsonl'), '');
    expect((await call('evaluations.list', {})).map((e) => e.id)).toEqual([evalB, evalA]);
    for (let tries = 0; existsSync(orphan) && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(evaluationDir(studio.project().dir, evalA))).toBe(true);
    expect((await call('evaluations.list', { checkpointId: checkpointB })).map((e) => e.id)).toEqual([evalB]);
    const summary = await call('evaluations.get', { id: evalA });
    expect(summary).toMatchObject({ id: evalA, runName: 'lr-small', step: 10, scope: 'train', engine: 'python', status: 'finished', error: null });
    expect(await failure('evaluations.get', { id: 999 })).toContain('no evaluation with id 999');
    expect(await failure('evaluations.start', { checkpointIds: [999], scope: 'val' })).toContain('no checkpoint with id 999');
    expect(await failure('evaluations.start', { checkpointIds: [checkpointB], scope: 'val', engine: 'onnx' })).toContain('has no ONNX export');
    // A finished evaluation of the same checkpoint, scope and engine is the answer (no worker needed).
    expect((await call('evaluations.start', { checkpointIds: [checkpointB], scope: 'train' } as CommandInput<'evaluations.start'>)).map((e) => e.id)).toEqual([evalB]);
    expect(await call('evaluations.delete', { id: evalA, confirm: true })).toEqual({ deleted: 1 });
    expect((await call('evaluations.compare', { a: evalB, b: evalB })).configDiff).toEqual([]);
  });
});
