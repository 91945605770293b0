/**
 * Evaluation back-end benchmark on a generated project of N items (default 100,000), every item
 * in one split and scored by two evaluations: storing a results.jsonl and measuring it (the
 * transaction an evaluation ends with), evaluations.compare (scatter arrays + counts),
 * compareItems pages per filter (first page, a deep page, with the agreement filter), itemScores,
 * and items.list order 'uncertain' (first page, a page past the scored segment).
 *
 *   npx tsx bench/evaluation-100k.ts [--items 100000] [--page 100] [--keep DIR]
 *
 * --keep copies the finished project to DIR (for looking at query plans).
 *
 * Scores are random (seeded); the evaluations rows are made directly, since what is measured is
 * the store and the queries, not a worker. Half the items are labeled, a tenth of those by two
 * annotators (half of them disagreeing).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EvaluationManager } from '../app/evaluation/evaluation-manager';
import { measureEvaluation, storeResults } from '../app/evaluation/evaluation-scores';
import type { CompareFilter } from '../app/evaluation/types';
import { EventBus } from '../app/rpc/event-bus';
import { ProjectStore } from '../app/store/project-store';

const { values } = parseArgs({ options: { items: { type: 'string', default: '100000' }, page: { type: 'string', default: '100' }, keep: { type: 'string' } } });
const N = Number(values.items);
const PAGE = Number(values.page);

function time<T>(run: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = run();
  return [result, Number((Number(process.hrtime.bigint() - start) / 1e6).toFixed(1))];
}

/** Median of `runs` timings (ms). */
function median(runs: number, run: () => unknown): number {
  const samples = Array.from({ length: runs }, () => time(run)[1]).sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'rs-bench-evaluation-'));
  process.env.REWARD_STUDIO_HOME = join(tmp, 'home');
  const results: Record<string, unknown> = { items: N, page: PAGE };
  const idOf = (i: number) => `item-${String(i).padStart(6, '0')}`;
  try {
    const store = ProjectStore.create(join(tmp, 'project'), { name: 'Evaluation bench' });
    const [, buildMs] = time(() =>
      store.db.transaction(() => {
        const writer = store.itemWriter();
        const now = new Date().toISOString();
        for (let i = 1; i <= N; i++) {
          const three = i % 10 === 0;
          writer.insert(
            { id: idOf(i), query: `Question ${i}`, promptJson: null, split: 'val', contentHash: `h${i}`, sourceFile: null, imageShas: [],
              responses: three ? [`a ${i}`, `b ${i}`, `c ${i}`] : [`a ${i}`, `b ${i}`] },
            now,
          );
        }
        for (let i = 1; i <= N; i += 2) {
          const ranking = i % 10 === 9 ? [1, 0] : [0, 1];
          store.saveJudgment({ itemId: idOf(i), annotator: 'ana', ranking });
          if (i % 20 === 1) store.saveJudgment({ itemId: idOf(i), annotator: 'bob', ranking: i % 40 === 1 ? ranking : [...ranking].reverse() });
        }
      })(),
    );
    results.buildSeconds = Number((buildMs / 1000).toFixed(1));

    // Two "checkpoints" of one run and an evaluation of each over every item.
    const now = new Date().toISOString();
    const runId = Number(store.db.prepare(`INSERT INTO runs (name, dir, status, config_json, created_at) VALUES ('bench', ?, 'finished', '{"learning_rate": 0.001}', ?)`).run(join(tmp, 'run'), now).lastInsertRowid);
    const evaluations: number[] = [];
    for (const step of [1, 2]) {
      const checkpoint = Number(store.db.prepare('INSERT INTO checkpoints (run_id, step, path, created_at) VALUES (?, ?, ?, ?)').run(runId, step, join(tmp, `step-${step}`), new Date(Date.now() + step).toISOString()).lastInsertRowid);
      const id = Number(store.db.prepare(`INSERT INTO evaluations (checkpoint_id, split, engine, status, created_at) VALUES (?, 'val', 'python', 'running', ?)`).run(checkpoint, now).lastInsertRowid);
      store.db.prepare(
        `INSERT INTO evaluation_items (evaluation_id, item_rowid, ranking_json)
         SELECT ?, i.rowid, (SELECT j.ranking_json FROM judgments j WHERE j.item_rowid = i.rowid ORDER BY j.updated_at DESC, j.id DESC LIMIT 1) FROM items i`,
      ).run(id);
      const random = seeded(step);
      let text = '';
      for (let i = 1; i <= N; i++) text += `${JSON.stringify({ id: idOf(i), scores: Array.from({ length: i % 10 === 0 ? 3 : 2 }, () => random() * 4 - 2) })}\n`;
      const [, storeMs] = time(() =>
        store.db.transaction(() => {
          storeResults(store.db, id, text, 'results.jsonl');
          const metrics = measureEvaluation(store.db, id, { truncatedResponses: 0, droppedItems: 0, seconds: 0 });
          store.db.prepare(`UPDATE evaluations SET status = 'finished', metrics_json = ? WHERE id = ?`).run(JSON.stringify(metrics), id);
        })(),
      );
      results[`storeAndMeasureMs_${step}`] = storeMs;
      evaluations.push(id);
    }
    const [a, b] = evaluations as [number, number];
    const manager = new EvaluationManager({ store, events: new EventBus() });
    const [comparison, compareMs] = time(() => manager.compare(a, b));
    results.compareMs = compareMs;
    results.comparedItems = comparison.scatter.itemIds.length;
    results.compareMedianMs = median(5, () => manager.compare(a, b));
    const pages: Record<string, number> = {};
    for (const filter of ['all', 'a-only', 'b-only', 'both-wrong', 'both-right', 'disagree'] as CompareFilter[]) {
      pages[filter] = median(5, () => manager.compareItems({ a, b, filter, offset: 0, limit: PAGE }));
    }
    results.compareItemsFirstPageMs = pages;
    results.compareItemsDeepPageMs = median(5, () => manager.compareItems({ a, b, filter: 'all', offset: Math.floor(comparison.counts.all * 0.9), limit: PAGE }));
    results.compareItemsDisagreeAgreementMs = median(5, () => manager.compareItems({ a, b, filter: 'all', agreement: 'disagree', offset: 0, limit: PAGE }));
    results.itemScoresLatestMs = median(21, () => manager.itemScores(idOf(Math.floor(N / 2))));
    results.uncertainFirstPageMs = median(5, () => store.listItems({ order: 'uncertain', limit: PAGE }));
    results.uncertainFirstPageQueueFilterMs = median(5, () => store.listItems({ order: 'uncertain', status: 'unlabeled', limit: PAGE }));
    results.uncertainDeepPageMs = median(5, () => store.listItems({ order: 'uncertain', offset: Math.floor(N * 0.9), limit: PAGE }));
    store.close();
    if (values.keep) await cp(join(tmp, 'project'), values.keep, { recursive: true });
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
