/**
 * Evaluations with the REAL worker on the tiny model: two runs trained with different settings,
 * their checkpoints scored on val. Everything the manager stores is checked against the worker's
 * results.jsonl and against metrics, filters and orders recomputed here from the database rows.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationManager } from '../../app/evaluation/evaluation-manager';
import type { AgreementKind, CompareFilter, EvaluationSummary } from '../../app/evaluation/types';
import type { ProjectStore } from '../../app/store/project-store';
import { createExport } from '../../app/scoring/model-exports';
import { RunManager } from '../../app/runs/run-manager';
import type { CheckpointInfo } from '../../app/runs/types';
import { fileTempDir, makeLabeledProject, makeTinyModel, newBus, PYTHON, recordEvents, TINY_CONFIG, waitFor } from '../runs/training-fixtures';

const temp = fileTempDir('rs-evaluate-');
let store: ProjectStore;
let checkpointA: CheckpointInfo;
let checkpointB: CheckpointInfo;
let runConfigs: { a: Record<string, unknown>; b: Record<string, unknown> };
const bus = newBus();
const recorder = recordEvents(bus);
let manager: EvaluationManager;
/** Val items set up with a known agreement kind before evaluating. */
const agreementOf = new Map<string, AgreementKind>();
let unlabeledVal: string;
const unjudgedTrain: string[] = [];

const ENDED = new Set(['finished', 'failed', 'cancelled']);

beforeAll(async () => {
  const tinyDir = makeTinyModel(path.join(temp.dir, 'tiny'));
  store = await makeLabeledProject(temp.dir, 40);
  const runs = new RunManager({ store, events: newBus(), python: () => PYTHON, tinyModelDir: tinyDir });
  await runs.resume();
  const splits = { train: ['train' as const], val: ['val' as const] };
  const base = { ...TINY_CONFIG, num_epochs: 0, max_steps: 8, save_total_limit: 1 };
  const a = await runs.start({ name: 'eval-a', config: { ...base, learning_rate: 1e-4 }, splits, gpus: [] });
  const b = await runs.start({ name: 'eval-b', config: { ...base, learning_rate: 1e-3, max_steps: 12 }, splits, gpus: [] });
  for (const run of [a, b]) {
    const done = await waitFor(`run ${run.name} to end`, () => (['finished', 'failed', 'stopped'].includes(runs.summary(run.id).status) ? runs.summary(run.id) : null), 400_000);
    expect(done.status, JSON.stringify(done.error)).toBe('finished');
  }
  checkpointA = runs.checkpoints(a.id).at(-1) as CheckpointInfo;
  checkpointB = runs.checkpoints(b.id).at(-1) as CheckpointInfo;
  runConfigs = { a: runs.get(a.id).config, b: runs.get(b.id).config };
  runs.detach();

  // Judgments after training, before evaluating: agreement kinds on val, unjudged items on both splits.
  const val = store.listItems({ split: 'val', limit: 1000 }).items.map((item) => item.id);
  const ranking = (id: string) => store.getItem(id).resolvedRanking as number[];
  const [agree, disagree, adjudicated, unlabeled] = val as [string, string, string, string];
  store.saveJudgment({ itemId: agree, annotator: 'bob', ranking: ranking(agree) });
  store.saveJudgment({ itemId: disagree, annotator: 'bob', ranking: [...ranking(disagree)].reverse() });
  store.saveJudgment({ itemId: adjudicated, annotator: 'bob', ranking: [...ranking(adjudicated)].reverse() });
  store.saveJudgment({ itemId: adjudicated, annotator: 'carol', ranking: ranking(adjudicated), source: 'adjudication' });
  unlabeledVal = unlabeled;
  for (const judgment of store.getItem(unlabeled).judgments) store.deleteJudgment(unlabeled, judgment.annotator);
  for (const id of val) agreementOf.set(id, 'single');
  agreementOf.set(agree, 'agree');
  agreementOf.set(disagree, 'disagree');
  agreementOf.set(adjudicated, 'adjudicated');
  agreementOf.delete(unlabeled);
  for (const item of store.listItems({ split: 'train', limit: 3 }).items) {
    for (const judgment of store.getItem(item.id).judgments) store.deleteJudgment(item.id, judgment.annotator);
    unjudgedTrain.push(item.id);
  }
  manager = new EvaluationManager({ store, events: bus, python: () => PYTHON, progressMs: 50, cancelGraceMs: 2000 });
  await manager.resume();
}, 900_000);

afterAll(() => {
  manager?.detach();
  store?.close();
  temp.remove();
});

function waitEnded(id: number, timeoutMs = 300_000): Promise<EvaluationSummary> {
  return waitFor(`evaluation ${id} to end`, () => (ENDED.has(manager.get(id).status) ? manager.get(id) : null), timeoutMs);
}

interface StoredItem {
  id: string;
  scores: number[];
}

/** The scores table of one evaluation, grouped per item (item id → scores in response order). */
function storedScores(evaluationId: number): Map<string, number[]> {
  const rows = store.db
    .prepare(
      `SELECT i.id, s.score FROM scores s JOIN items i ON i.rowid = s.item_rowid
       WHERE s.evaluation_id = ? ORDER BY s.item_rowid, s.response_idx`,
    )
    .all(evaluationId) as { id: string; score: number }[];
  const out = new Map<string, number[]>();
  for (const row of rows) out.set(row.id, [...(out.get(row.id) ?? []), row.score]);
  return out;
}

function argmax(scores: readonly number[]): number {
  let best = 0;
  scores.forEach((score, index) => {
    if (score > (scores[best] as number)) best = index;
  });
  return best;
}

function preference(ranking: readonly number[] | null): ranking is number[] {
  return ranking !== null && new Set(ranking).size > 1;
}

/** The metrics written out plainly, straight from the definitions in app/evaluation/types.ts. */
function recompute(items: { scores: number[]; ranking: number[] | null }[]) {
  let n = 0;
  let correct = 0;
  let marginSum = 0;
  const pairs: { d: number }[] = [];
  for (const { scores, ranking } of items) {
    if (!preference(ranking)) continue;
    n += 1;
    const best = Math.min(...ranking);
    if (ranking[argmax(scores)] === best) correct += 1;
    const bestScore = Math.max(...scores.filter((_, i) => ranking[i] === best));
    const others = Math.max(...scores.filter((_, i) => ranking[i] !== best));
    marginSum += bestScore - others;
    for (let i = 0; i < ranking.length; i++) for (let j = 0; j < ranking.length; j++) if ((ranking[i] as number) < (ranking[j] as number)) pairs.push({ d: (scores[i] as number) - (scores[j] as number) });
  }
  const sigma = (x: number) => 1 / (1 + Math.exp(-x));
  const loss = pairs.reduce((sum, p) => sum - Math.log(sigma(p.d)), 0) / pairs.length;
  let ece = 0;
  for (let bin = 0; bin < 10; bin++) {
    const inBin = pairs.filter((p) => {
      const c = sigma(Math.abs(p.d));
      return Math.min(9, Math.floor((c - 0.5) / 0.05 + 1e-12)) === bin;
    });
    if (inBin.length === 0) continue;
    const conf = inBin.reduce((sum, p) => sum + sigma(Math.abs(p.d)), 0) / inBin.length;
    const acc = inBin.filter((p) => p.d > 0).length / inBin.length;
    ece += (inBin.length / pairs.length) * Math.abs(acc - conf);
  }
  return { items: n, pairs: pairs.length, accuracy: correct / n, meanMargin: marginSum / n, loss, ece };
}

let evalA: EvaluationSummary;
let evalB: EvaluationSummary;

describe('evaluations with the real worker', () => {
  it('scores val with two checkpoints: scores equal results.jsonl, metrics match a recomputation', async () => {
    const started = await manager.start({ checkpointIds: [checkpointA.id, checkpointB.id], scope: 'val', engine: 'python', rerun: false });
    expect(started.map((e) => e.checkpointId)).toEqual([checkpointA.id, checkpointB.id]);
    expect(started.every((e) => e.status === 'queued' || e.status === 'running')).toBe(true);
    evalA = await waitEnded(started[0]?.id as number);
    evalB = await waitEnded(started[1]?.id as number);
    expect(evalA.status, JSON.stringify(evalA.error)).toBe('finished');
    expect(evalB.status, JSON.stringify(evalB.error)).toBe('finished');
    expect(evalA).toMatchObject({ scope: 'val', engine: 'python', runName: 'eval-a', step: checkpointA.step, error: null });

    const valIds = store.listItems({ split: 'val', limit: 1000 }).items.map((item) => item.id);
    for (const evaluation of [evalA, evalB]) {
      const dir = (store.db.prepare('SELECT dir FROM evaluations WHERE id = ?').get(evaluation.id) as { dir: string }).dir;
      expect(dir).toBe(path.join(store.dir, 'evaluations', String(evaluation.id)));
      // data.jsonl: every val item, the unlabeled one without a ranking, absolute image paths.
      const data = readFileSync(path.join(dir, 'data.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; image: string; human_ranking: number[] | null });
      expect(data.map((row) => row.id)).toEqual(valIds);
      expect(data.find((row) => row.id === unlabeledVal)?.human_ranking).toBeNull();
      expect(data.every((row) => path.isAbsolute(row.image) && existsSync(row.image))).toBe(true);
      // The scores table equals the worker's results, item by item, response by response.
      const results = readFileSync(path.join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as StoredItem);
      const stored = storedScores(evaluation.id);
      expect(stored.size).toBe(results.length);
      for (const row of results) expect(stored.get(row.id)).toEqual(row.scores);
      expect(evaluation.progress).toEqual({ done: valIds.length, total: valIds.length });

      // Metrics recomputed from the stored scores and the rankings the items had when frozen.
      const items = [...stored].map(([id, scores]) => ({ scores, ranking: store.getItem(id).resolvedRanking }));
      const expected = recompute(items);
      const metrics = evaluation.metrics;
      expect(metrics).not.toBeNull();
      expect(metrics?.items).toBe(valIds.length - 1);
      expect(metrics?.scoredItems).toBe(valIds.length);
      expect(metrics?.items).toBe(expected.items);
      expect(metrics?.pairs).toBe(expected.pairs);
      expect(metrics?.accuracy).toBeCloseTo(expected.accuracy, 12);
      expect(metrics?.meanMargin).toBeCloseTo(expected.meanMargin, 9);
      expect(metrics?.loss).toBeCloseTo(expected.loss, 9);
      expect(metrics?.ece).toBeCloseTo(expected.ece, 9);
      expect(metrics?.calibration.reduce((sum, bin) => sum + bin.pairs, 0)).toBe(expected.pairs);
    }
    // Progress and status reached subscribers.
    const changes = recorder.of('evaluations.onChanged').filter((summary) => summary.id === evalA.id);
    expect(changes.map((summary) => summary.status)).toContain('running');
    expect(changes.at(-1)?.status).toBe('finished');
  }, 600_000);

  it('returns the cached evaluation on a second start; rerun makes a new one', async () => {
    const again = await manager.start({ checkpointIds: [checkpointA.id], scope: 'val', engine: 'python', rerun: false });
    expect(again.map((e) => e.id)).toEqual([evalA.id]);
    expect(again[0]?.status).toBe('finished');
    const rerun = await manager.start({ checkpointIds: [checkpointA.id], scope: 'val', engine: 'python', rerun: true });
    expect(rerun[0]?.id).not.toBe(evalA.id);
    const done = await waitEnded(rerun[0]?.id as number);
    expect(done.status, JSON.stringify(done.error)).toBe('finished');
    // The same checkpoint on the same data: the same scores (inference is deterministic).
    const first = storedScores(evalA.id);
    for (const [id, scores] of storedScores(done.id)) {
      (first.get(id) as number[]).forEach((score, index) => expect(scores[index]).toBeCloseTo(score, 5));
    }
    // Now the newest finished evaluation of A: start returns it.
    expect((await manager.start({ checkpointIds: [checkpointA.id], scope: 'val', engine: 'python', rerun: false }))[0]?.id).toBe(done.id);
    expect(manager.list(checkpointA.id).map((e) => e.id)).toEqual([done.id, evalA.id]);
  }, 300_000);

  it('compare: metric differences, config diff, scatter and every filter equal what the scores table says', () => {
    const comparison = manager.compare(evalA.id, evalB.id);
    expect(comparison.difference.accuracy).toBeCloseTo((evalB.metrics?.accuracy ?? 0) - (evalA.metrics?.accuracy ?? 0), 12);
    expect(comparison.difference.loss).toBeCloseTo((evalB.metrics?.loss ?? 0) - (evalA.metrics?.loss ?? 0), 12);
    const diffKeys = comparison.configDiff.map((entry) => entry.key);
    expect(diffKeys).toContain('learning_rate');
    expect(diffKeys).toContain('max_steps');
    expect(diffKeys).not.toContain('batch_size');
    expect(comparison.configDiff.find((entry) => entry.key === 'learning_rate')).toEqual({ key: 'learning_rate', a: runConfigs.a.learning_rate, b: runConfigs.b.learning_rate });

    // Expected per item, from the scores table and the frozen rankings.
    const scoresA = storedScores(evalA.id);
    const scoresB = storedScores(evalB.id);
    const rows = [...scoresA.keys()].flatMap((id) => {
      const ranking = store.getItem(id).resolvedRanking;
      if (!preference(ranking) || !scoresB.has(id)) return [];
      const a = scoresA.get(id) as number[];
      const b = scoresB.get(id) as number[];
      const best = Math.min(...ranking);
      return [{ id, correctA: ranking[argmax(a)] === best, correctB: ranking[argmax(b)] === best, topA: argmax(a), topB: argmax(b) }];
    });
    const expected: Record<CompareFilter, string[]> = {
      all: rows.map((r) => r.id),
      'a-only': rows.filter((r) => r.correctA && !r.correctB).map((r) => r.id),
      'b-only': rows.filter((r) => !r.correctA && r.correctB).map((r) => r.id),
      'both-wrong': rows.filter((r) => !r.correctA && !r.correctB).map((r) => r.id),
      'both-right': rows.filter((r) => r.correctA && r.correctB).map((r) => r.id),
      disagree: rows.filter((r) => r.topA !== r.topB).map((r) => r.id),
    };
    // Every val item but the unlabeled one is compared.
    expect(expected.all).toHaveLength(store.listItems({ split: 'val' }).total - 1);
    expect(comparison.scatter.itemIds).toEqual(expected.all);
    expect(comparison.scatter.correctA).toEqual(rows.map((r) => r.correctA));
    for (const filter of Object.keys(expected) as CompareFilter[]) {
      const page = manager.compareItems({ a: evalA.id, b: evalB.id, filter, offset: 0, limit: 1000 });
      expect(page.rows.map((row) => row.itemId), filter).toEqual(expected[filter]);
      expect(page.total).toBe(expected[filter].length);
      expect(comparison.counts[filter]).toBe(expected[filter].length);
    }
    // Rows carry both checkpoints' scores and the human ranking; paging walks the same list.
    const all = manager.compareItems({ a: evalA.id, b: evalB.id, filter: 'all', offset: 0, limit: 1000 });
    for (const row of all.rows) {
      expect(row.scoresA).toEqual(scoresA.get(row.itemId));
      expect(row.scoresB).toEqual(scoresB.get(row.itemId));
      expect(row.humanRanking).toEqual(store.getItem(row.itemId).resolvedRanking);
      expect(row.split).toBe('val');
      expect(row.marginA).toBeCloseTo(comparison.scatter.marginA[comparison.scatter.itemIds.indexOf(row.itemId)] as number, 12);
    }
    const second = manager.compareItems({ a: evalA.id, b: evalB.id, filter: 'all', offset: 2, limit: 3 });
    expect(second.rows.map((row) => row.itemId)).toEqual(expected.all.slice(2, 5));
    expect(manager.compareItems({ a: evalA.id, b: evalB.id, filter: 'all', split: 'train', offset: 0, limit: 10 }).total).toBe(0);
    expect(manager.compareItems({ a: evalA.id, b: evalB.id, filter: 'all', split: 'val', offset: 0, limit: 10 }).total).toBe(expected.all.length);
  });

  it('filters the compared items by annotator agreement', () => {
    for (const kind of ['single', 'agree', 'disagree', 'adjudicated', 'none'] as const) {
      const page = manager.compareItems({ a: evalA.id, b: evalB.id, filter: 'all', agreement: kind, offset: 0, limit: 1000 });
      const expected = [...agreementOf].filter(([, k]) => k === kind).map(([id]) => id);
      expect(page.rows.map((row) => row.itemId).sort(), kind).toEqual(expected.sort());
      expect(page.rows.every((row) => row.agreement === kind)).toBe(true);
    }
  });

  it('itemScores: chosen evaluations in order, and by default the latest checkpoint that scored the item', () => {
    const id = [...agreementOf.keys()][0] as string;
    const chosen = manager.itemScores(id, [evalB.id, evalA.id]);
    expect(chosen.map((entry) => entry.evaluationId)).toEqual([evalB.id, evalA.id]);
    expect(chosen[0]?.scores).toEqual(storedScores(evalB.id).get(id));
    expect(chosen[0]?.runName).toBe('eval-b');
    // B's checkpoint is the more recent one, though A was evaluated again after it.
    const latest = manager.itemScores(id);
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatchObject({ evaluationId: evalB.id, checkpointId: checkpointB.id, step: checkpointB.step });
    const scores = latest[0]?.scores as number[];
    const sorted = [...scores].sort((x, y) => y - x);
    expect(latest[0]?.topGap).toBeCloseTo((sorted[0] as number) - (sorted[1] as number), 12);
    // The unlabeled val item was scored: no correctness, no margin.
    expect(manager.itemScores(unlabeledVal)[0]).toMatchObject({ correct: null, margin: null });
    // A train item no evaluation scored: nothing.
    expect(manager.itemScores(unjudgedTrain[0] as string)).toEqual([]);
  });

  it("items.list order 'uncertain': scored items by their top gap, then the rest in queue order", async () => {
    const gaps = [...storedScores(evalB.id)].map(([id, scores]) => {
      const sorted = [...scores].sort((x, y) => y - x);
      return { id, gap: (sorted[0] as number) - (sorted[1] as number) };
    });
    const byGap = [...gaps].sort((x, y) => x.gap - y.gap).map((g) => g.id);
    const queue = store.listItems({ order: 'queue', limit: 1000 }).items.map((item) => item.id).filter((id) => !byGap.includes(id));
    const uncertain = store.listItems({ order: 'uncertain', limit: 1000 });
    expect(uncertain.items.map((item) => item.id)).toEqual([...byGap, ...queue]);
    expect(uncertain.total).toBe(40);
    // Pages line up with the whole list, across the segment boundary.
    const page = store.listItems({ order: 'uncertain', offset: byGap.length - 2, limit: 4 }).items.map((item) => item.id);
    expect(page).toEqual([...byGap, ...queue].slice(byGap.length - 2, byGap.length + 2));
    // A chosen evaluation, with a filter.
    const gapsA = [...storedScores(evalA.id)].map(([id, scores]) => {
      const sorted = [...scores].sort((x, y) => y - x);
      return { id, gap: (sorted[0] as number) - (sorted[1] as number) };
    });
    const listed = store.listItems({ order: 'uncertain', evaluationId: evalA.id, split: 'val', limit: 1000 }).items.map((item) => item.id);
    expect(listed).toEqual([...gapsA].sort((x, y) => x.gap - y.gap).map((g) => g.id));

    // Scoring the unjudged items makes them the uncertain queue's head (the newest evaluation of B).
    const [unjudged] = await manager.start({ checkpointIds: [checkpointB.id], scope: 'unjudged', engine: 'python', rerun: false });
    const done = await waitEnded(unjudged?.id as number);
    expect(done.status, JSON.stringify(done.error)).toBe('finished');
    expect([...storedScores(done.id).keys()].sort()).toEqual([...unjudgedTrain, unlabeledVal].sort());
    expect(done.metrics).toMatchObject({ items: 0, pairs: 0, scoredItems: 4 });
    const head = store.listItems({ order: 'uncertain', limit: 4 }).items.map((item) => item.id);
    expect(head.sort()).toEqual([...unjudgedTrain, unlabeledVal].sort());
    expect(() => store.listItems({ order: 'uncertain', evaluationId: 99_999 })).toThrow(/no evaluation with id 99999/);
  }, 300_000);

  it('cancel stops a running worker; nothing is stored', async () => {
    const [started] = await manager.start({ checkpointIds: [checkpointB.id], scope: 'train', engine: 'python', rerun: true });
    const id = started?.id as number;
    await waitFor('the worker to start', () => manager.records.get(id)?.pid ?? null, 60_000);
    const cancelled = await manager.cancel(id);
    expect(['running', 'cancelled']).toContain(cancelled.status);
    const ended = await waitEnded(id, 60_000);
    expect(ended.status).toBe('cancelled');
    expect(ended.error).toBeNull();
    expect(storedScores(id).size).toBe(0);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM evaluation_items WHERE evaluation_id = ?').get(id) as { n: number }).n).toBe(0);
    // A cancelled evaluation is not a cache hit.
    const next = await manager.start({ checkpointIds: [checkpointB.id], scope: 'train', engine: 'python', rerun: false });
    expect(next[0]?.id).not.toBe(id);
    await manager.cancel(next[0]?.id as number);
    await waitEnded(next[0]?.id as number, 120_000);
  }, 200_000);

  it('a checkpoint the worker cannot load fails with its error; a deleted folder fails with a clear message', async () => {
    const addCheckpoint = (folder: string, step: number) =>
      Number(store.db.prepare('INSERT INTO checkpoints (run_id, step, path, created_at) VALUES (?, ?, ?, ?)').run(checkpointB.runId, step, folder, new Date(0).toISOString()).lastInsertRowid);
    // Not a model folder: the worker's own error event (message and hint) is stored.
    const empty = path.join(temp.dir, 'empty-checkpoint');
    mkdirSync(empty);
    const [notModel] = await manager.start({ checkpointIds: [addCheckpoint(empty, 9001)], scope: 'val', engine: 'python', rerun: false });
    const notModelDone = await waitEnded(notModel?.id as number);
    expect(notModelDone.status).toBe('failed');
    expect(notModelDone.error?.message).toBe(`${empty} has no config.json: not a Hugging Face model folder`);
    expect(notModelDone.error?.hint).toContain('config.json');
    expect(storedScores(notModelDone.id).size).toBe(0);

    // A damaged checkpoint that crashes the worker: the exit and the end of its stderr.
    const broken = path.join(temp.dir, 'broken-checkpoint');
    cpSync(checkpointB.path, broken, { recursive: true });
    writeFileSync(path.join(broken, 'reward_config.json'), '{ not json');
    const brokenId = addCheckpoint(broken, 9002);
    const [crashing] = await manager.start({ checkpointIds: [brokenId], scope: 'val', engine: 'python', rerun: false });
    const crashed = await waitEnded(crashing?.id as number);
    expect(crashed.status).toBe('failed');
    expect(crashed.error?.message).toMatch(/^the scoring worker exited with code 1: [\s\S]*JSONDecodeError/);
    expect(crashed.error?.hint).toContain(path.join(store.dir, 'evaluations', String(crashed.id), 'console.log'));
    const log = readFileSync(path.join(store.dir, 'evaluations', String(crashed.id), 'console.log'), 'utf8');
    expect(log).toContain('reward_studio score');

    // The folder deleted: failed before any worker starts, saying which checkpoint and what to do.
    rmSync(broken, { recursive: true, force: true });
    const [gone] = await manager.start({ checkpointIds: [brokenId], scope: 'val', engine: 'python', rerun: true });
    const goneDone = await waitEnded(gone?.id as number);
    expect(goneDone.status).toBe('failed');
    expect(goneDone.error).toEqual({ message: `the checkpoint folder ${broken} (run "eval-b", step 9002) is gone`, hint: 'Choose another checkpoint; this one was deleted or moved.' });
  }, 300_000);

  it('the onnx engine scores the same items through an ONNX export of the checkpoint, measured by the same code', async () => {
    // Without an export the onnx engine refuses at once, saying what to do.
    await expect(manager.start({ checkpointIds: [checkpointA.id], scope: 'val', engine: 'onnx', rerun: false })).rejects.toThrow(/has no ONNX export/);
    const runs = new RunManager({ store, events: newBus(), python: () => PYTHON });
    const exported = await createExport({ projectDir: store.dir, runs, python: PYTHON, events: newBus() }, checkpointB.id, 'onnx');
    expect(exported.checkpointId).toBe(checkpointB.id);
    const [started] = await manager.start({ checkpointIds: [checkpointB.id], scope: 'val', engine: 'onnx', rerun: false });
    expect(started?.id).not.toBe(evalB.id);
    const done = await waitEnded(started?.id as number);
    expect(done.status, JSON.stringify(done.error)).toBe('finished');
    expect(done.engine).toBe('onnx');
    const python = storedScores(evalB.id);
    const onnx = storedScores(done.id);
    expect([...onnx.keys()]).toEqual([...python.keys()]);
    for (const [id, scores] of onnx) scores.forEach((score, index) => expect(Math.abs(score - ((python.get(id) as number[])[index] as number))).toBeLessThan(1e-3));
    expect(done.metrics?.items).toBe(evalB.metrics?.items);
    expect(done.metrics?.loss).toBeCloseTo(evalB.metrics?.loss as number, 3);
    // Cached per engine: the python evaluation of B is still the python answer.
    expect((await manager.start({ checkpointIds: [checkpointB.id], scope: 'val', engine: 'python', rerun: false }))[0]?.id).toBe(evalB.id);
    expect((await manager.start({ checkpointIds: [checkpointB.id], scope: 'val', engine: 'onnx', rerun: false }))[0]?.id).toBe(done.id);
  }, 600_000);

  it('an evaluation left running by a studio that died is marked failed on open; delete removes rows and folder', async () => {
    const id = store.db.prepare(`INSERT INTO evaluations (checkpoint_id, split, engine, status, created_at, pid) VALUES (?, 'val', 'python', 'running', ?, 999999)`).run(checkpointA.id, new Date().toISOString()).lastInsertRowid as number;
    const reopened = new EvaluationManager({ store, events: newBus(), python: () => PYTHON });
    await reopened.resume();
    const row = reopened.get(Number(id));
    expect(row.status).toBe('failed');
    expect(row.error?.message).toContain('the studio closed while this evaluation was running');
    reopened.detach();

    const dir = path.join(store.dir, 'evaluations', String(evalA.id));
    expect(existsSync(dir)).toBe(true);
    expect(await manager.delete(evalA.id)).toEqual({ deleted: 1 });
    expect(existsSync(dir)).toBe(false);
    expect(storedScores(evalA.id).size).toBe(0);
    expect(() => manager.get(evalA.id)).toThrow(/no evaluation with id/);
  });
});
