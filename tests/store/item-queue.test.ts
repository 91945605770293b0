import { describe, expect, it } from 'vitest';
import { StudioError } from '../../app/errors';
import type { ListItemsQuery } from '../../app/store/types';
import type { ProjectStore } from '../../app/store/project-store';
import { ids, itemId, textProject } from './annotation-project';

/**
 * Ten items. it-09 carries an imported label ("import"). ana judged 03 and 05; bob judged 05
 * (differently: a conflict) and 07. it-02 and it-07 are flagged; 08–10 are in val.
 */
async function judgedProject(): Promise<ProjectStore> {
  const store = await textProject(10, { labels: { 'it-09': [0, 1] } });
  store.saveJudgment({ itemId: 'it-03', annotator: 'ana', ranking: [0, 1] });
  store.saveJudgment({ itemId: 'it-05', annotator: 'ana', ranking: [0, 1] });
  store.saveJudgment({ itemId: 'it-05', annotator: 'bob', ranking: [1, 0] });
  store.saveJudgment({ itemId: 'it-07', annotator: 'bob', ranking: [0, 0] });
  store.setItemsFlag(['it-02', 'it-07'], true);
  store.setSplit(['it-08', 'it-09', 'it-10'], 'val');
  return store;
}

/** Every page of a listing, `size` at a time, must add up to the first page's total. */
function walk(store: ProjectStore, query: ListItemsQuery, size: number): string[] {
  const all: string[] = [];
  const total = store.listItems({ ...query, limit: size }).total;
  for (let offset = 0; offset < total + size; offset += size) {
    const page = store.listItems({ ...query, offset, limit: size });
    expect(page.total).toBe(total);
    all.push(...ids(page));
  }
  expect(all.length).toBe(total);
  return all;
}

describe('queue order', () => {
  it('puts items nobody judged first, then those only others judged, then mine — import order within each', async () => {
    const store = await judgedProject();
    const expected = ['it-01', 'it-02', 'it-04', 'it-06', 'it-08', 'it-10', 'it-07', 'it-09', 'it-03', 'it-05'];
    expect(ids(store.listItems({ order: 'queue', annotator: 'ana' }))).toEqual(expected);
    // Pages of every size give the same sequence (offsets across segment borders).
    for (const size of [1, 3, 4, 6, 7]) expect(walk(store, { order: 'queue', annotator: 'ana' }, size)).toEqual(expected);
    // bob: his own (05, 07) last; ana's and the import's items are "only others".
    expect(ids(store.listItems({ order: 'queue', annotator: 'bob' }))).toEqual([
      'it-01', 'it-02', 'it-04', 'it-06', 'it-08', 'it-10', 'it-03', 'it-09', 'it-05', 'it-07',
    ]);
    // Without an annotator: unjudged, then judged.
    expect(ids(store.listItems({ order: 'queue' }))).toEqual([
      'it-01', 'it-02', 'it-04', 'it-06', 'it-08', 'it-10', 'it-03', 'it-05', 'it-07', 'it-09',
    ]);
    // Someone new sees the unjudged first and everything else as "others".
    expect(ids(store.listItems({ order: 'queue', annotator: 'zoe', limit: 7 }))).toEqual(expected.slice(0, 6).concat('it-03'));
    store.close();
  });

  it('combines with filters, with the filtered total', async () => {
    const store = await judgedProject();
    const val = store.listItems({ order: 'queue', annotator: 'ana', split: 'val' });
    expect(val).toMatchObject({ total: 3 });
    expect(ids(val)).toEqual(['it-08', 'it-10', 'it-09']);
    expect(walk(store, { order: 'queue', annotator: 'ana', flagged: true }, 1)).toEqual(['it-02', 'it-07']);
    expect(ids(store.listItems({ order: 'queue', annotator: 'ana', judged: 'not-by-me', offset: 5, limit: 3 }))).toEqual([
      'it-10', 'it-07', 'it-09',
    ]);
    store.close();
  });

  it('moves an item to the back once I judge it and forward again when the judgment is undone', async () => {
    const store = await judgedProject();
    store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [1, 0] });
    expect(ids(store.listItems({ order: 'queue', annotator: 'ana' })).slice(-3)).toEqual(['it-01', 'it-03', 'it-05']);
    expect(ids(store.listItems({ order: 'queue', annotator: 'bob' })).slice(0, 5)).toEqual(['it-02', 'it-04', 'it-06', 'it-08', 'it-10']);
    store.undoJudgment('ana');
    expect(ids(store.listItems({ order: 'queue', annotator: 'ana', limit: 1 }))).toEqual(['it-01']);
    store.close();
  });
});

describe('item filters', () => {
  it('judged: by me, not by me, by others, conflicting — with correct totals', async () => {
    const store = await judgedProject();
    const list = (query: ListItemsQuery) => store.listItems({ limit: 3, ...query });
    expect(list({ judged: 'by-me', annotator: 'ana' })).toMatchObject({ total: 2 });
    expect(ids(list({ judged: 'by-me', annotator: 'ana' }))).toEqual(['it-03', 'it-05']);
    expect(list({ judged: 'not-by-me', annotator: 'ana' }).total).toBe(8);
    expect(walk(store, { judged: 'not-by-me', annotator: 'ana' }, 3)).toEqual(
      ['it-01', 'it-02', 'it-04', 'it-06', 'it-07', 'it-08', 'it-09', 'it-10'],
    );
    expect(walk(store, { judged: 'by-others', annotator: 'ana' }, 2)).toEqual(['it-05', 'it-07', 'it-09']);
    expect(walk(store, { judged: 'by-others', annotator: 'bob' }, 2)).toEqual(['it-03', 'it-05', 'it-09']);
    expect(walk(store, { judged: 'conflicting' }, 2)).toEqual(['it-05']);
    expect(list({ judged: 'by-me', annotator: 'nobody-yet' }).total).toBe(0);
    expect(list({ judged: 'not-by-me', annotator: 'nobody-yet' }).total).toBe(10);
    store.close();
  });

  it('an adjudication is not a vote: it makes nothing "judged by me" and settles no filter by itself', async () => {
    const store = await judgedProject();
    store.saveJudgment({ itemId: 'it-05', annotator: 'ana', ranking: [1, 0], source: 'adjudication' });
    store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [0, 1], source: 'adjudication' });
    expect(ids(store.listItems({ judged: 'by-me', annotator: 'ana' }))).toEqual(['it-03', 'it-05']);
    expect(ids(store.listItems({ judged: 'conflicting' }))).toEqual(['it-05']);
    // ...but an adjudicated item is labeled and leaves the "nobody judged" segment.
    expect(store.listItems({ status: 'unlabeled' }).total).toBe(5);
    expect(ids(store.listItems({ order: 'queue', annotator: 'ana', limit: 1 }))).toEqual(['it-02']);
    // ana's own vote on it-05 survived her adjudication.
    expect(store.getItem('it-05').judgments.map((j) => [j.annotator, j.source, j.ranking])).toEqual([
      ['ana', 'adjudication', [1, 0]],
      ['bob', 'ui', [1, 0]],
      ['ana', 'ui', [0, 1]],
    ]);
    store.close();
  });

  it('split, status, flagged, search, exact id, and their combinations', async () => {
    const store = await judgedProject();
    expect(walk(store, { split: 'val' }, 2)).toEqual(['it-08', 'it-09', 'it-10']);
    expect(walk(store, { status: 'labeled' }, 2)).toEqual(['it-03', 'it-05', 'it-07', 'it-09']);
    expect(store.listItems({ status: 'unlabeled' }).total).toBe(6);
    expect(walk(store, { flagged: true }, 1)).toEqual(['it-02', 'it-07']);
    expect(store.listItems({ flagged: false }).total).toBe(8);
    expect(ids(store.listItems({ search: 'zebra' }))).toEqual(['it-04', 'it-06']); // query and response, any case
    expect(ids(store.listItems({ id: 'it-07' }))).toEqual(['it-07']);
    expect(store.listItems({ id: 'it-7' }).total).toBe(0); // exact, not a substring
    expect(ids(store.listItems({ split: 'val', status: 'labeled' }))).toEqual(['it-09']);
    expect(ids(store.listItems({ flagged: true, judged: 'by-others', annotator: 'ana' }))).toEqual(['it-07']);
    expect(store.listItems({ search: 'zebra', judged: 'by-me', annotator: 'ana' }).total).toBe(0);
    expect(store.listItems({}).items.find((item) => item.id === 'it-05')?.annotators).toEqual(['ana', 'bob']);
    store.close();
  });

  it('asks for an annotator when a judged filter needs one', async () => {
    const store = await textProject(2);
    let error: unknown;
    try {
      store.listItems({ judged: 'by-me' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toBe('the filter judged = "by-me" needs an annotator to be seen from');
    store.close();
  });

  it('flags in bulk and keeps notes on the item', async () => {
    const store = await textProject(3);
    expect(store.setItemsFlag([itemId(1), itemId(2)], true)).toBe(2);
    expect(store.setItemsFlag([itemId(1), itemId(2), itemId(3)], true)).toBe(1); // only the change counts
    expect(store.setItemsFlag([itemId(2)], false)).toBe(1);
    expect(ids(store.listItems({ flagged: true }))).toEqual([itemId(1), itemId(3)]);
    expect(() => store.setItemsFlag(['nope'], true)).toThrow('no item with id "nope" in this project');
    store.setItemNote(itemId(1), 'blurry image');
    expect(store.getItem(itemId(1)).note).toBe('blurry image');
    store.setItemNote(itemId(1), '   ');
    expect(store.getItem(itemId(1)).note).toBeNull();
    store.close();
  });
});
