/**
 * Annotation back-end benchmark on a generated project of N items (default 100,000): the first
 * page of the queue (target < 50 ms) in several states of the project, filtered totals,
 * judgments.save through the real router (the handler, not just SQL), undo, agreement.
 *
 *   npx tsx bench/annotation-store-100k.ts [--items 100000] [--page 100] [--saves 300] [--keep DIR]
 *
 * --keep copies the finished project to DIR (for looking at query plans).
 *
 * Items are written straight through the store's ItemWriter (text-only, two responses; every
 * 10th has three) so the project is ready in seconds; import speed has its own benchmark.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandInput, CommandName, CommandResult } from '../app/contract';
import { createRouter } from '../app/rpc/router';
import { ProjectStore } from '../app/store/project-store';
import type { ListItemsQuery } from '../app/store/types';
import { createHandlers } from '../app/studio/create-handlers';
import { Studio } from '../app/studio/studio';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    page: { type: 'string', default: '100' },
    saves: { type: 'string', default: '300' },
    keep: { type: 'string' },
  },
});
const N = Number(values.items);
const PAGE = Number(values.page);
const SAVES = Number(values.saves);

function stats(samples: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number).toFixed(2));
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

function time<T>(run: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = run();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'rs-bench-annotation-'));
  process.env.REWARD_STUDIO_HOME = join(tmp, 'home');
  const dir = join(tmp, 'project');
  const results: Record<string, unknown> = { items: N, page: PAGE };
  try {
    const setup = ProjectStore.create(dir, { name: 'Annotation bench' });
    const [, buildMs] = time(() =>
      setup.db.transaction(() => {
        const writer = setup.itemWriter();
        const now = new Date().toISOString();
        for (let i = 1; i <= N; i++) {
          const three = i % 10 === 0;
          writer.insert(
            {
              id: `item-${String(i).padStart(6, '0')}`,
              query: `Question ${i}: what is in the picture?`,
              promptJson: null,
              split: i % 10 === 1 ? 'val' : 'train',
              contentHash: `h${i}`,
              sourceFile: null,
              imageShas: [],
              responses: three ? [`first ${i}`, `second ${i}`, `third ${i}`] : [`first answer ${i}`, `second answer ${i}`],
            },
            now,
          );
        }
      })(),
    );
    setup.close();
    results.buildSeconds = Number((buildMs / 1000).toFixed(1));

    const studio = new Studio({ kind: 'browser' });
    studio.openProject(dir);
    const router = createRouter(createHandlers(studio));
    const call = async <K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandResult<K>> => {
      const envelope = await router.invoke(name, input);
      if (!envelope.ok) throw new Error(`${name}: ${envelope.error.message}`);
      return envelope.result as CommandResult<K>;
    };
    const store = studio.project();
    const idOf = (i: number): string => `item-${String(i).padStart(6, '0')}`;

    /** Times `runs` calls of items.list through the router (validation included). */
    const listTiming = async (query: CommandInput<'items.list'>, runs = 30): Promise<Record<string, unknown>> => {
      const samples: number[] = [];
      const cpuSamples: number[] = [];
      let first = 0;
      let total = 0;
      for (let r = 0; r < runs; r++) {
        const cpu = process.cpuUsage();
        const start = process.hrtime.bigint();
        const list = await call('items.list', query);
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        const used = process.cpuUsage(cpu);
        if (r === 0) first = ms;
        samples.push(ms);
        cpuSamples.push((used.user + used.system) / 1000);
        total = list.total;
      }
      const cpu = stats(cpuSamples);
      // CPU time too: on a shared machine wall time mostly measures the neighbours.
      return { firstCallMs: Number(first.toFixed(2)), ...stats(samples), cpuP50: cpu.p50, cpuP95: cpu.p95, total };
    };
    const queue: ListItemsQuery & CommandInput<'items.list'> = { order: 'queue', annotator: 'ana', limit: PAGE };

    results.queueFresh = await listTiming(queue);

    // Half the project judged by ana (the first half in import order), a quarter also by bob.
    const bulkJudge = (annotator: string, from: number, to: number, ranking: (i: number) => number[]): void => {
      store.db.transaction(() => {
        for (let i = from; i <= to; i++) store.saveJudgment({ itemId: idOf(i), annotator, ranking: ranking(i) });
      })();
    };
    const pair = (i: number): number[] => (i % 10 === 0 ? [0, 1, 2] : i % 3 === 0 ? [1, 0] : [0, 1]);
    let [, ms] = time(() => bulkJudge('ana', 1, N / 2, pair));
    results.bulkJudgeSecondsPer50k = Number((ms / 1000).toFixed(1));
    bulkJudge('bob', 1, N / 4, (i) => (i % 7 === 0 ? [...pair(i)].reverse() : pair(i)));
    bulkJudge('bob', N / 2 + 1, (3 * N) / 4, pair);
    results.queueHalfJudged = await listTiming(queue);
    results.queueHalfJudgedBob = await listTiming({ ...queue, annotator: 'bob' });
    results.queueHalfJudgedValSplit = await listTiming({ ...queue, split: 'val' });
    results.queueHalfJudgedPage500 = await listTiming({ ...queue, offset: 500 });
    results.queueHalfJudgedDeepOffset = await listTiming({ ...queue, offset: (3 * N) / 4 + 100 }, 10);
    results.listByIdOrder = await listTiming({ limit: PAGE });
    results.filterByMe = await listTiming({ judged: 'by-me', annotator: 'ana', limit: PAGE }, 10);
    results.filterByOthers = await listTiming({ judged: 'by-others', annotator: 'ana', limit: PAGE }, 10);
    results.filterConflicting = await listTiming({ judged: 'conflicting', limit: PAGE }, 10);
    results.filterSearch = await listTiming({ search: 'Question 99999', limit: PAGE }, 5);
    results.filterIdLookup = await listTiming({ id: idOf(77777) }, 30);

    // judgments.save through the router, as the UI sends it: a new judgment of the next item.
    const saveSamples: number[] = [];
    const saveCpu: number[] = [];
    for (let s = 0; s < SAVES; s++) {
      const i = N / 2 + 1 + s * 37;
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      await call('judgments.save', { itemId: idOf(i), annotator: 'ana', ranking: pair(i), decision: 'ranked', timeMs: 1500, shownOrder: pair(i).map((_, k) => k) });
      saveSamples.push(Number(process.hrtime.bigint() - start) / 1e6);
      const used = process.cpuUsage(cpu);
      saveCpu.push((used.user + used.system) / 1000);
    }
    const saveCpuStats = stats(saveCpu);
    results.judgmentsSave = { ...stats(saveSamples), cpuP50: saveCpuStats.p50, cpuP95: saveCpuStats.p95 };
    const undoSamples: number[] = [];
    for (let s = 0; s < 50; s++) {
      const start = process.hrtime.bigint();
      await call('judgments.undo', { annotator: 'ana' });
      undoSamples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    results.judgmentsUndo = stats(undoSamples);
    const getSamples: number[] = [];
    for (let s = 0; s < 100; s++) {
      const start = process.hrtime.bigint();
      await call('items.get', { id: idOf(1 + s * 997), annotator: 'ana' });
      getSamples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    results.itemsGet = stats(getSamples);
    // Late in a project: bob has judged everything, so ana's queue starts in "judged only by others".
    bulkJudge('bob', (3 * N) / 4 + 1, N, pair);
    bulkJudge('bob', N / 4 + 1, N / 2, pair);
    results.queueAllJudgedByOthers = await listTiming(queue);
    // What every save used to cost on top: the project summary behind projects.onChanged.
    [, ms] = time(() => store.summary());
    results.summaryMs = Number(ms.toFixed(1));
    const agreementSamples: number[] = [];
    let agreement: CommandResult<'judgments.agreement'> | null = null;
    for (let s = 0; s < 3; s++) {
      const start = process.hrtime.bigint();
      agreement = await call('judgments.agreement', {});
      agreementSamples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    results.agreement = { ...stats(agreementSamples), itemsWithSeveral: agreement?.itemsWithSeveral, kappa: agreement?.pairs.cohensKappa, alpha: agreement?.rankings.krippendorffAlpha };
    [, ms] = time(() => store.conflicts({ limit: 50 }));
    results.conflictsPageMs = Number(ms.toFixed(1));
    studio.close();
  } finally {
    if (values.keep) {
      await rm(values.keep, { recursive: true, force: true });
      const { cp } = await import('node:fs/promises');
      await cp(dir, values.keep, { recursive: true });
    }
    await rm(tmp, { recursive: true, force: true });
  }
  const queueFirst = results.queueHalfJudged as { p95: number; cpuP95: number };
  const queueLate = results.queueAllJudgedByOthers as { p95: number; cpuP95: number };
  const save = results.judgmentsSave as { p50: number; p95: number };
  console.log(
    `annotation store, ${N} items: queue first page p95 ${queueFirst.p95} ms (cpu ${queueFirst.cpuP95}), ` +
      `late in the project ${queueLate.p95} ms (cpu ${queueLate.cpuP95}); judgments.save p50 ${save.p50} ms, p95 ${save.p95} ms`,
  );
  console.log(JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
