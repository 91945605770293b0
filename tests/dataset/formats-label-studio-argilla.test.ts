/**
 * Annotation-tool exports where each person's answer is their own judgment: Label Studio tasks
 * (pairwise and ranker results) and Argilla records (ranking questions, three export shapes).
 * Agreement is computed on the imported judgments, as for judgments made in the studio.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectReader } from '../../app/dataset/detect-format';
import { parseArgillaRecord } from '../../app/dataset/formats/argilla';
import { denseRanks, parseLabelStudioTask } from '../../app/dataset/formats/label-studio';
import { importDataset } from '../../app/dataset/import-dataset';
import { RowError } from '../../app/dataset/parsed-row';
import { ProjectStore } from '../../app/store/project-store';
import { tempDir } from '../fixtures/temp-dirs';

function newProject(name: string): ProjectStore {
  return ProjectStore.create(join(tempDir(), name), { name });
}

function judgmentsOf(store: ProjectStore, id: string): [string, number[]][] {
  return store
    .getItem(id)
    .judgments.map((judgment): [string, number[]] => [judgment.annotator, judgment.ranking])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

function reason(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    if (error instanceof RowError) return error.reason;
    throw error;
  }
  return 'no error';
}

const pairwise = (selected: string) => ({ type: 'pairwise', from_name: 'pick', to_name: 'pick', value: { selected } });

/** A Label Studio JSON export written for these tests, in the shape Label Studio writes. */
function labelStudioExport(): object[] {
  const data = (n: number) => ({ prompt: `Explain idea ${n} simply.`, answer1: `A short, clear take on idea ${n}.`, answer2: `A rambling take on idea ${n}.`, topic: 'science' });
  return [
    {
      id: 9001,
      data: data(1),
      annotations: [
        { id: 1, completed_by: 7, was_cancelled: false, result: [pairwise('left')] },
        { id: 2, completed_by: { id: 8, email: 'ana@example.org' }, was_cancelled: false, result: [pairwise('left'), { type: 'textarea', value: { text: ['fine'] } }] },
        { id: 3, completed_by: 9, was_cancelled: true, result: [] },
      ],
      predictions: [{ result: [pairwise('right')] }],
      meta: { batch: 'b1' },
      created_at: '2024-01-01T00:00:00Z',
      inner_id: 1,
      project: 3,
    },
    {
      id: 9002,
      data: data(2),
      annotations: [
        { id: 4, completed_by: 7, was_cancelled: false, result: [pairwise('right')] },
        { id: 5, completed_by: { id: 8, email: 'ana@example.org' }, was_cancelled: false, result: [pairwise('left')] },
      ],
      drafts: [],
    },
    // Nobody has annotated it yet.
    { id: 9003, data: data(3), annotations: [] },
    // Only a cancelled annotation and one without a preference: unlabeled too.
    { id: 9004, data: data(4), annotations: [{ completed_by: 7, was_cancelled: true, result: [pairwise('left')] }, { completed_by: 8, result: [] }] },
    // An empty answer, as the real tutorial export has.
    { id: 9005, data: { ...data(5), answer2: '' }, annotations: [{ completed_by: 7, result: [pairwise('left')] }] },
  ];
}

describe('label-studio reader', () => {
  it('imports each annotator\'s pairwise choice as their judgment; agreement works on them', async () => {
    const dir = tempDir();
    const file = join(dir, 'project-3-at-2024.json');
    writeFileSync(file, JSON.stringify(labelStudioExport(), null, 2));
    const store = newProject('ls');
    const report = await importDataset(store, file);
    expect(report).toMatchObject({ format: 'label-studio', container: 'json', rowsRead: 5, added: 4, labeled: 4, errorCount: 1 });
    expect(report.errors[0]?.message).toBe('project-3-at-2024.json:5: "answer2" response is empty; every response needs text');
    expect(store.getItem('ls-9001')).toMatchObject({
      query: 'Explain idea 1 simply.',
      prompt: null,
      responses: ['A short, clear take on idea 1.', 'A rambling take on idea 1.'],
      metadata: { topic: 'science', meta: { batch: 'b1' } },
    });
    expect(judgmentsOf(store, 'ls-9001')).toEqual([
      ['ana@example.org', [0, 1]],
      ['label-studio:7', [0, 1]],
    ]);
    expect(judgmentsOf(store, 'ls-9002')).toEqual([
      ['ana@example.org', [0, 1]],
      ['label-studio:7', [1, 0]],
    ]);
    expect(store.getItem('ls-9003')).toMatchObject({ judgments: [], resolvedRanking: null });
    expect(store.getItem('ls-9004').judgments).toEqual([]);
    const agreement = store.agreement();
    expect(agreement).toMatchObject({ annotators: ['ana@example.org', 'label-studio:7'], itemsWithSeveral: 2, conflicts: 1, pairs: { items: 2, percentAgreement: 0.5 } });
    // The same export again changes nothing; a changed choice updates that person's judgment only.
    expect(await importDataset(store, file)).toMatchObject({ added: 0, unchanged: 4, labeled: 0 });
    const changed = labelStudioExport();
    (changed[1] as { annotations: { result: object[] }[] }).annotations[0]!.result = [pairwise('left')];
    writeFileSync(file, JSON.stringify(changed));
    expect(await importDataset(store, file)).toMatchObject({ added: 0, labeled: 1, relabeled: 1 });
    expect(judgmentsOf(store, 'ls-9002')).toEqual([
      ['ana@example.org', [0, 1]],
      ['label-studio:7', [0, 1]],
    ]);
    store.close();
  });

  it('reads Ranker results: one ordered list, or buckets as tiers with unplaced items last', () => {
    const items = [
      { id: 'm1', title: 'Model 1', body: 'First answer.' },
      { id: 'm2', title: 'Model 2', body: 'Second answer.' },
      { id: 'm3', title: 'Model 3', body: 'Third answer.' },
    ];
    const ranker = (value: object, completedBy = 4) => ({ completed_by: completedBy, result: [{ type: 'ranker', from_name: 'rank', to_name: 'answers', value: { ranker: value } }] });
    const task = parseLabelStudioTask({
      id: 'r-1',
      data: { prompt: 'Which answer is best?', items },
      annotations: [
        ranker({ rank: ['m2', 'm3', 'm1'] }, 4),
        ranker({ _: ['m3'], best: ['m1'], worst: ['m2'] }, 5),
        ranker({ _: [], good: ['m1', 'm3'], bad: ['m2'] }, 6),
        ranker({ _: ['m1', 'm2', 'm3'], good: [], bad: [] }, 7),
      ],
    });
    expect(task).toMatchObject({ id: 'ls-r-1', query: 'Which answer is best?', responses: ['First answer.', 'Second answer.', 'Third answer.'], ranking: null });
    expect(task.judgments).toEqual([
      { annotator: 'label-studio:4', ranking: [2, 0, 1] },
      { annotator: 'label-studio:5', ranking: [0, 1, 2] },
      { annotator: 'label-studio:6', ranking: [0, 1, 0] },
    ]);
    const bad = (value: object) => reason(() => parseLabelStudioTask({ data: { prompt: 'q', items }, annotations: [ranker(value)] }));
    expect(bad({ rank: ['m1', 'm2'] })).toBe('annotations[0]: the ranking leaves out item(s) "m3"');
    expect(bad({ rank: ['m1', 'm2', 'x9'] })).toBe('annotations[0]: ranker id "x9" is not an item of the task\'s list');
    expect(reason(() => parseLabelStudioTask({ data: { prompt: 'q', answer1: 'a', answer2: 'b' }, annotations: [ranker({ rank: ['a'] })] }))).toBe(
      'annotations[0] is a ranker result but the task\'s data has no list of {"id", "body"} items to rank',
    );
  });

  it('reads tasks as imported (no annotations), a mapping over odd keys, and says what is missing', async () => {
    const dir = tempDir();
    const file = join(dir, 'tasks.json');
    writeFileSync(
      file,
      JSON.stringify([
        { prompt: 'Name a river.', answer1: 'The Nile.', answer2: 'Water.' },
        { prompt: 'Name a mountain.', answer1: 'Everest.', answer2: 'A hill.' },
      ]),
    );
    expect(detectReader(file, [{ prompt: 'Name a river.', answer1: 'The Nile.', answer2: 'Water.' }])).toMatchObject({ confidence: 0.6 });
    const store = newProject('tasks');
    expect(await importDataset(store, file)).toMatchObject({ format: 'label-studio', added: 2, labeled: 0, errorCount: 0 });
    const [first] = store.listItems({}).items;
    expect(first?.id).toMatch(/^ls-[0-9a-f]{12}$/);
    expect(store.getItem(first?.id ?? '')).toMatchObject({ query: 'Name a river.', responses: ['The Nile.', 'Water.'], metadata: null, judgments: [] });
    store.close();

    const mapped = parseLabelStudioTask(
      { id: 3, data: { ask: 'Pick a colour.', left_text: 'Blue.', right_text: 'Bleu.' }, annotations: [{ completed_by: 2, result: [pairwise('right')] }] },
      { mapping: { prompt: 'ask', responses: ['left_text', 'right_text'] } },
    );
    expect(mapped).toMatchObject({ id: 'ls-3', query: 'Pick a colour.', responses: ['Blue.', 'Bleu.'], judgments: [{ annotator: 'label-studio:2', ranking: [1, 0] }] });
    expect(reason(() => parseLabelStudioTask({ id: 4, data: { ask: 'q', left_text: 'a' } }))).toBe(
      'no prompt and answers found in the task\'s data (keys: ask, left_text); name them with a mapping (prompt, responses) or use keys like "prompt", "answer1", "answer2"',
    );
    expect(reason(() => parseLabelStudioTask({ data: { prompt: 'q', answer1: 'a', answer2: 'b' }, annotations: [{ completed_by: 1, result: [pairwise('middle')] }] }))).toBe(
      'annotations[0]: a pairwise result needs value.selected "left" or "right"',
    );
  });

  it('orders numbered answers numerically and renumbers ranks densely', () => {
    const task = parseLabelStudioTask({ data: { question: 'q', response_10: 'ten', response_2: 'two', response_1: 'one' } });
    expect(task.responses).toEqual(['one', 'two', 'ten']);
    expect(denseRanks([3, 1, 3, 7])).toEqual([1, 0, 1, 2]);
  });
});

/** Argilla's RLHF recipe: a prompt field, two response fields, a ranking question over them. */
const fields = { prompt: 'Write a haiku about rain.', 'response-1': 'Soft rain on the roof / ...', 'response-2': 'Rain is wet. The end.', source: 'demo' };
const USER_A = '5a3c0d2e-1111-4b6e-9c1a-000000000001';
const USER_B = '5a3c0d2e-2222-4b6e-9c1a-000000000002';
const USER_C = '5a3c0d2e-3333-4b6e-9c1a-000000000003';

describe('argilla reader', () => {
  it('reads server / 1.x records: submitted responses are judgments, drafts and discarded ones are not', () => {
    const record = parseArgillaRecord({
      id: 'c0ffee00-0000-4000-8000-000000000001',
      external_id: 'haiku-1',
      fields,
      metadata: { split: 'dev' },
      responses: [
        { user_id: USER_A, status: 'submitted', values: { preference: { value: [{ value: 'response-1', rank: 1 }, { value: 'response-2', rank: 2 }] } } },
        { user_id: USER_B, status: 'submitted', values: { preference: { value: [{ value: 'response-2', rank: 1 }, { value: 'response-1', rank: 1 }] } } },
        { user_id: USER_C, status: 'discarded', values: { preference: { value: [{ value: 'response-2', rank: 1 }, { value: 'response-1', rank: 2 }] } } },
        { user_id: 'drafty', status: 'draft', values: { preference: { value: [{ value: 'response-2', rank: 1 }, { value: 'response-1', rank: 2 }] } } },
      ],
      suggestions: [],
      status: 'completed',
    });
    expect(record).toMatchObject({
      id: 'argilla-haiku-1',
      query: 'Write a haiku about rain.',
      responses: ['Soft rain on the roof / ...', 'Rain is wet. The end.'],
      ranking: null,
      judgments: [
        { annotator: `argilla:${USER_A}`, ranking: [0, 1] },
        { annotator: `argilla:${USER_B}`, ranking: [0, 0] },
      ],
      metadata: { split: 'dev', source: 'demo' },
    });
  });

  it('reads 2.x to_json records (responses by question) and the flattened export the same way', () => {
    const nested = parseArgillaRecord({
      id: 'haiku-2',
      fields,
      metadata: {},
      suggestions: {},
      responses: {
        preference: [
          { value: ['response-2', 'response-1'], user_id: USER_A },
          { value: [{ value: 'response-1', rank: 1 }, { value: 'response-2', rank: 2 }], user_id: USER_B, status: 'submitted' },
        ],
        comment: [{ value: 'nice', user_id: USER_A }],
      },
      vectors: {},
      status: 'completed',
      _server_id: 'c0ffee00-0000-4000-8000-000000000002',
    });
    const flat = parseArgillaRecord({
      id: 'haiku-2',
      _server_id: 'c0ffee00-0000-4000-8000-000000000002',
      status: 'completed',
      ...fields,
      'preference.responses': [['response-2', 'response-1'], ['response-1', 'response-2'], ['response-2', 'response-1']],
      'preference.responses.users': [USER_A, USER_B, USER_C],
      'preference.responses.status': ['submitted', 'submitted', 'draft'],
      'preference.suggestion': null,
    });
    const expected = {
      id: 'argilla-haiku-2',
      responses: ['Soft rain on the roof / ...', 'Rain is wet. The end.'],
      judgments: [
        { annotator: `argilla:${USER_A}`, ranking: [1, 0] },
        { annotator: `argilla:${USER_B}`, ranking: [0, 1] },
      ],
    };
    expect(nested).toMatchObject(expected);
    expect(flat).toMatchObject(expected);
    expect(nested.judgments).toHaveLength(2);
    expect(flat.judgments).toHaveLength(2);
  });

  it('imports records without responses unlabeled, a chat field as the conversation, and three responses with ties', async () => {
    const dir = tempDir();
    const file = join(dir, 'records.json');
    writeFileSync(
      file,
      JSON.stringify([
        { id: 'r1', fields, responses: {}, metadata: {}, suggestions: {}, vectors: {}, status: 'pending', _server_id: null },
        {
          id: 'r2',
          fields: {
            chat: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'Largest planet?' }],
            response_a: 'Jupiter.',
            response_b: 'Saturn, I think.',
            response_c: 'It is Jupiter.',
          },
          responses: {
            rank: [
              { value: [{ value: 'response_a', rank: 1 }, { value: 'response_b', rank: 3 }, { value: 'response_c', rank: 1 }], user_id: USER_A },
              { value: [{ value: 'response_c', rank: 1 }, { value: 'response_a', rank: 2 }, { value: 'response_b', rank: 3 }], user_id: USER_B },
            ],
          },
          metadata: {},
          status: 'completed',
        },
      ]),
    );
    expect(detectReader(file, [{ id: 'r1', fields, responses: {} }]).reader.name).toBe('argilla');
    const store = newProject('argilla');
    expect(await importDataset(store, file)).toMatchObject({ format: 'argilla', added: 2, labeled: 2, errorCount: 0 });
    expect(store.getItem('argilla-r1')).toMatchObject({ query: 'Write a haiku about rain.', responses: [fields['response-1'], fields['response-2']], judgments: [] });
    expect(store.getItem('argilla-r2')).toMatchObject({
      query: 'Largest planet?',
      prompt: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'Largest planet?' },
      ],
      responses: ['Jupiter.', 'Saturn, I think.', 'It is Jupiter.'],
    });
    expect(judgmentsOf(store, 'argilla-r2')).toEqual([
      [`argilla:${USER_A}`, [0, 1, 0]],
      [`argilla:${USER_B}`, [1, 2, 0]],
    ]);
    expect(store.agreement()).toMatchObject({ itemsWithSeveral: 1, rankings: { items: 1 } });
    store.close();
  });

  it('says what is wrong with records it cannot use', () => {
    const ranked = (value: unknown) => ({ id: 'x', fields, responses: [{ user_id: USER_A, status: 'submitted', values: { preference: { value } } }] });
    expect(reason(() => parseArgillaRecord(ranked([{ value: 'response-1', rank: 1 }, { value: 'response-9', rank: 2 }])))).toBe(
      'the ranking option "response-9" is not a text field of the record; name the ranking options after the response fields',
    );
    expect(
      reason(() =>
        parseArgillaRecord({
          id: 'x',
          fields,
          responses: [
            { user_id: USER_A, values: { preference: { value: [{ value: 'response-1', rank: 1 }, { value: 'response-2', rank: 2 }] } } },
            { user_id: USER_B, values: { preference: { value: [{ value: 'response-1', rank: 1 }] } } },
          ],
        }),
      ),
    ).toBe(`user "${USER_B}"'s "preference" leaves out "response-2"; rank every response`);
    expect(reason(() => parseArgillaRecord({ id: 'x', fields: { prompt: 'q', text_b: 'only one' }, responses: [] }))).toBe(
      'found 0 response field(s) (none); a ranking question needs at least two, named after the fields it ranks',
    );
    expect(reason(() => parseArgillaRecord({ id: 'x', fields, responses: [{ status: 'submitted', values: {} }] }))).toBe(
      'response 1 has no "user_id"; each response belongs to one user',
    );
  });
});
