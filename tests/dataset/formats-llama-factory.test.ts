import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { ProjectStore } from '../../app/store/project-store';
import { writePng } from '../fixtures/images';
import { writeSeedFolder } from '../fixtures/seed-files';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

function newProject(): ProjectStore {
  return ProjectStore.create(join(tempDir(), 'project'), { name: 'LLaMA-Factory' });
}

const image = { type: 'image' };
const text = (value: string) => ({ type: 'text', text: value });
const msg = (role: string, content: unknown) => ({ role, content });
const gpt = (value: string) => ({ from: 'gpt', value });
const human = (value: string) => ({ from: 'human', value });

const weatherTool = { name: 'weather', description: 'Current temperature of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

describe('LLaMA-Factory alpaca', () => {
  it('reads instruction + input, system, history, <image> placeholders, tools and [chosen, rejected]; other columns become metadata', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    const file = join(dir, 'alpaca_pairs.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          instruction: 'Translate into French.',
          input: 'Good morning',
          chosen: 'Bonjour',
          rejected: 'Bonsoir',
          system: 'You translate short phrases.',
          history: [['Can you translate for me?', 'Of course. Send a phrase.']],
          source: 'handmade',
        },
        { id: 'pic', instruction: 'Look: <image> Which colour fills it?', input: '', chosen: 'Red.', rejected: 'Green.', images: ['images/red.png'] },
        { id: 'two-pics', instruction: 'Are these the same square?', input: '', output: ['No: one is red, one is blue.', 'Yes.'], images: ['images/red.png', 'images/blue.png'] },
        { id: 'tools', instruction: 'How cold is Oslo?', input: '', chosen: 'I will check the weather tool.', rejected: 'Very.', tools: JSON.stringify([weatherTool]) },
      ]),
    );
    const store = newProject();
    const report = await importDataset(store, file);
    expect(report).toMatchObject({ format: 'llamafactory-alpaca', container: 'json', rowsRead: 4, added: 4, labeled: 4, errorCount: 0 });
    const first = store.listItems({ order: 'id' }).items[0]?.id ?? '';
    expect(first).toMatch(/^lf-[0-9a-f]{12}$/);
    expect(store.getItem(first)).toMatchObject({
      query: 'Translate into French.\nGood morning',
      prompt: [
        msg('system', 'You translate short phrases.'),
        msg('user', 'Can you translate for me?'),
        msg('assistant', 'Of course. Send a phrase.'),
        msg('user', 'Translate into French.\nGood morning'),
      ],
      responses: ['Bonjour', 'Bonsoir'],
      resolvedRanking: [0, 1],
      metadata: { source: 'handmade' },
      tools: null,
    });
    // The placeholder stays where it stood, so the prompt is kept verbatim.
    expect(store.getItem('pic')).toMatchObject({
      query: 'Look: \n Which colour fills it?',
      prompt: [msg('user', [text('Look: '), image, text(' Which colour fills it?')])],
      responses: ['Red.', 'Green.'],
      metadata: null,
    });
    expect(store.getItem('pic').images).toHaveLength(1);
    // No placeholder: the images go before the text (a simple prompt, stored as query + images).
    const twoPics = store.getItem('two-pics');
    expect(twoPics).toMatchObject({ query: 'Are these the same square?', prompt: null, responses: ['No: one is red, one is blue.', 'Yes.'], resolvedRanking: [0, 1] });
    expect(twoPics.images.map((stored) => [stored.width, stored.height])).toEqual([
      [32, 24],
      [20, 40],
    ]);
    expect(store.getItem('tools')).toMatchObject({ tools: [weatherTool], prompt: null, query: 'How cold is Oslo?' });
    expect(await importDataset(store, file)).toMatchObject({ added: 0, unchanged: 4 });
    store.close();
  });

  it('reports bad alpaca rows with what to fix', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    writeJsonl(join(dir, 'bad.jsonl'), [
      { instruction: 'Fine row', chosen: 'a', rejected: 'b' },
      { instruction: '', input: '', chosen: 'a', rejected: 'b' },
      { instruction: 'q', chosen: 'a' },
      { instruction: 'q', output: ['a', 'b', 'c'] },
      { instruction: 'q', chosen: 'a', rejected: 'b', history: [['only the question']] },
      { instruction: '<image><image>q', chosen: 'a', rejected: 'b', images: ['images/red.png'] },
      { instruction: 'q', chosen: 'same', rejected: 'same' },
      { instruction: 'q', chosen: { from: 'gpt', value: 'a' }, rejected: 'b' },
      { instruction: 'q', chosen: 'a', rejected: 'b', tools: '[{"name": ' },
    ]);
    const store = newProject();
    const report = await importDataset(store, join(dir, 'bad.jsonl'), { format: 'llamafactory-alpaca' });
    expect(report.errors.map((error) => error.message)).toEqual([
      'bad.jsonl:2: "instruction" is missing or empty; every alpaca row needs the instruction it answers',
      'bad.jsonl:3: missing field "rejected"; alpaca ranking rows give "chosen" and "rejected" as text (or "output": [chosen, rejected])',
      'bad.jsonl:4: "output" must be [chosen, rejected]: a list of exactly 2 strings (it has 3 entries)',
      'bad.jsonl:5: history[0] must be a [user, assistant] pair of strings',
      'bad.jsonl:6: the conversation has 2 <image> placeholder(s) but the row lists 1 image(s); give one image per placeholder',
      'bad.jsonl:7: "chosen" and "rejected" are the same text, so there is no preference; drop the row or fix one side',
      'bad.jsonl:8: field "chosen" must be the response text (a string) in alpaca rows',
      'bad.jsonl:9: field "tools" is not valid JSON; give the tool definitions as a JSON list',
    ]);
    expect(report).toMatchObject({ added: 1, errorCount: 8 });
    store.close();
  });
});

describe('LLaMA-Factory sharegpt', () => {
  it('reads conversations with one-message chosen / rejected: system, turns, function calls, tools, images where they stand', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    const file = join(dir, 'dpo_pairs.json');
    writeFileSync(
      file,
      JSON.stringify(
        [
          {
            conversations: [{ from: 'system', value: 'Answer in one word.' }, human('Name a colour.'), gpt('Red.'), human('Another one?')],
            chosen: gpt('Blue.'),
            rejected: gpt('I would rather talk about the weather, which is lovely today.'),
            category: 'colours',
          },
          {
            conversations: [human('How cold is it in Oslo?'), { from: 'function_call', value: '{"name": "weather", "arguments": {"city": "Oslo"}}' }, { from: 'observation', value: '{"celsius": -3}' }],
            chosen: gpt('It is -3 °C in Oslo.'),
            rejected: gpt('It is warm.'),
            tools: JSON.stringify([weatherTool]),
          },
          {
            conversations: [human('Compare <image> with <image>: which is bluer?')],
            chosen: gpt('The second.'),
            rejected: gpt('The first.'),
            images: ['images/red.png', 'images/blue.png'],
          },
          { conversations: [human('Hi')], system: 'You are kind.', chosen: gpt('Hello, nice to see you!'), rejected: gpt('What?') },
        ],
        null,
        2,
      ),
    );
    const store = newProject();
    const report = await importDataset(store, file);
    expect(report).toMatchObject({ format: 'llamafactory-sharegpt', container: 'json', rowsRead: 4, added: 4, errorCount: 0 });
    const [colours, weather, bluer, kind] = store.listItems({ order: 'id' }).items.map((summary) => store.getItem(summary.id));
    expect(colours).toMatchObject({
      id: expect.stringMatching(/^lf-[0-9a-f]{12}$/),
      query: 'Another one?',
      prompt: [msg('system', 'Answer in one word.'), msg('user', 'Name a colour.'), msg('assistant', 'Red.'), msg('user', 'Another one?')],
      responses: ['Blue.', 'I would rather talk about the weather, which is lovely today.'],
      resolvedRanking: [0, 1],
      metadata: { category: 'colours' },
    });
    expect(weather).toMatchObject({
      query: 'How cold is it in Oslo?',
      prompt: [msg('user', 'How cold is it in Oslo?'), msg('tool_call', '{"name": "weather", "arguments": {"city": "Oslo"}}'), msg('tool', '{"celsius": -3}')],
      responses: ['It is -3 °C in Oslo.', 'It is warm.'],
      tools: [weatherTool],
    });
    expect(bluer).toMatchObject({
      prompt: [msg('user', [text('Compare '), image, text(' with '), image, text(': which is bluer?')])],
      responses: ['The second.', 'The first.'],
    });
    expect(bluer?.images.map((stored) => stored.width)).toEqual([32, 20]);
    expect(kind).toMatchObject({ prompt: [msg('system', 'You are kind.'), msg('user', 'Hi')], responses: ['Hello, nice to see you!', 'What?'] });
    store.close();
  });

  it('counts repeated rows as duplicates, not errors', async () => {
    const dir = tempDir();
    const row = { conversations: [human('Say hi')], chosen: gpt('Hi!'), rejected: gpt('No.') };
    writeFileSync(join(dir, 'repeats.json'), JSON.stringify([row, { ...row, chosen: gpt('Hello!') }, row]));
    const store = newProject();
    expect(await importDataset(store, join(dir, 'repeats.json'))).toMatchObject({ rowsRead: 3, added: 2, unchanged: 1, duplicates: 1, errorCount: 0 });
    store.close();
  });

  it('reports bad sharegpt rows with what to fix', async () => {
    const dir = tempDir();
    writeJsonl(join(dir, 'bad.jsonl'), [
      { conversations: [human('ok')], chosen: gpt('a'), rejected: gpt('b') },
      { conversations: [human('q'), gpt('an answer already')], chosen: gpt('a'), rejected: gpt('b') },
      { conversations: [human('q'), gpt('a')] },
      { conversations: [human('q')], chosen: [gpt('a')], rejected: gpt('b') },
      { conversations: [human('q')], chosen: human('a'), rejected: gpt('b') },
      { conversations: [{ from: 'narrator', value: 'q' }], chosen: gpt('a'), rejected: gpt('b') },
      { conversations: [human('q')], chosen: gpt('a'), rejected: gpt('b'), tools: 42 },
      { conversations: 'q', chosen: gpt('a'), rejected: gpt('b') },
    ]);
    const store = newProject();
    const report = await importDataset(store, join(dir, 'bad.jsonl'), { format: 'llamafactory-sharegpt' });
    expect(report.errors.map((error) => error.message)).toEqual([
      'bad.jsonl:2: "conversations" must end with the user\'s (or an observation) turn that "chosen" and "rejected" answer; its last message has the role "assistant"',
      'bad.jsonl:3: the row has no "chosen" and "rejected"; sharegpt preference rows give the two answers as one message each, like {"from": "gpt", "value": ...} (a conversation with one answer is SFT data, not a preference)',
      'bad.jsonl:4: field "chosen" must be one message like {"from": "gpt", "value": ...}, not a list',
      'bad.jsonl:5: "chosen" is a user message; the responses compared must be the assistant\'s answers',
      'bad.jsonl:6: conversations[0] has the role "narrator"; use one of system, user, assistant, tool_call, tool (or human/gpt, function_call/observation)',
      'bad.jsonl:7: field "tools" must be a list of tool definitions',
      'bad.jsonl:8: field "conversations" must be a list of messages',
    ]);
    expect(report).toMatchObject({ added: 1, errorCount: 7 });
    store.close();
  });
});

describe('LLaMA-Factory dataset_info.json', () => {
  it('honours an entry\'s columns and tags (sharegpt and alpaca), by --dataset name', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    const info = {
      chat_prefs: {
        file_name: 'chat.jsonl',
        formatting: 'sharegpt',
        ranking: true,
        columns: { messages: 'dialog', chosen: 'better', rejected: 'worse', system: 'setup_text', tools: 'functions', images: 'pictures' },
        tags: { role_tag: 'speaker', content_tag: 'text', user_tag: 'person', assistant_tag: 'ai', observation_tag: 'result', function_tag: 'call', system_tag: 'setup' },
      },
      qa_prefs: {
        file_name: 'qa.jsonl',
        ranking: true,
        columns: { prompt: 'question', query: 'context', chosen: 'good', rejected: 'bad', system: 'persona', history: 'earlier', images: 'image' },
      },
      on_the_hub: { hf_hub_url: 'someone/prefs', ranking: true },
    };
    writeFileSync(join(dir, 'dataset_info.json'), JSON.stringify(info, null, 2));
    const say = (speaker: string, value: string) => ({ speaker, text: value });
    writeJsonl(join(dir, 'chat.jsonl'), [
      {
        dialog: [say('setup', 'You check the weather.'), say('person', 'Oslo?'), say('call', '{"name": "weather"}'), say('result', '{"celsius": -3}')],
        better: say('ai', 'Minus three.'),
        worse: say('ai', 'Sunny.'),
        functions: JSON.stringify([weatherTool]),
        batch: 7,
      },
      { dialog: [say('person', 'What is this? <image>')], better: say('ai', 'A red square.'), worse: say('ai', 'A cat.'), pictures: ['images/red.png'], setup_text: 'Be exact.' },
    ]);
    writeJsonl(join(dir, 'qa.jsonl'), [
      { question: 'Describe the colour.', context: 'One word.', good: 'Green.', bad: 'Purple.', persona: 'You see colours.', earlier: [['Ready?', 'Yes.']], image: 'images/green.png' },
    ]);
    const store = newProject();
    const chat = await importDataset(store, join(dir, 'dataset_info.json'), { dataset: 'chat_prefs' });
    expect(chat).toMatchObject({ dataset: 'chat_prefs', format: 'llamafactory-sharegpt', file: join(dir, 'chat.jsonl'), added: 2, errorCount: 0 });
    const [weather, square] = store.listItems({ order: 'id' }).items.map((summary) => store.getItem(summary.id));
    expect(weather).toMatchObject({
      prompt: [msg('system', 'You check the weather.'), msg('user', 'Oslo?'), msg('tool_call', '{"name": "weather"}'), msg('tool', '{"celsius": -3}')],
      responses: ['Minus three.', 'Sunny.'],
      tools: [weatherTool],
      metadata: { batch: 7 },
    });
    expect(square).toMatchObject({
      prompt: [msg('system', 'Be exact.'), msg('user', [text('What is this? '), image])],
      responses: ['A red square.', 'A cat.'],
      metadata: null,
    });
    expect(square?.images).toHaveLength(1);

    const qa = await importDataset(store, join(dir, 'dataset_info.json'), { dataset: 'qa_prefs' });
    expect(qa).toMatchObject({ dataset: 'qa_prefs', format: 'llamafactory-alpaca', added: 1, errorCount: 0 });
    const [, , green] = store.listItems({ order: 'id' }).items.map((summary) => store.getItem(summary.id));
    expect(green).toMatchObject({
      query: 'Describe the colour.\nOne word.',
      // No placeholder: the image goes before the first user turn's text (conversation.ts's rule).
      prompt: [msg('system', 'You see colours.'), msg('user', [image, text('Ready?')]), msg('assistant', 'Yes.'), msg('user', 'Describe the colour.\nOne word.')],
      responses: ['Green.', 'Purple.'],
      resolvedRanking: [0, 1],
      metadata: null,
    });
    await expect(importDataset(store, join(dir, 'dataset_info.json'), { dataset: 'on_the_hub' })).rejects.toThrow('has no local file_name');
    store.close();
  });
});

describe('LLaMA-Factory v1', () => {
  it('reads chosen_messages / rejected_messages with text and image_url parts; loss_weight is ignored', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    const side = (answer: string, picture = 'images/red.png') => [
      { role: 'system', content: [{ type: 'text', value: 'Look closely.' }], loss_weight: 0 },
      { role: 'user', content: [{ type: 'image_url', value: picture }, { type: 'text', value: 'What colour is it?' }], loss_weight: 0 },
      { role: 'assistant', content: [{ type: 'text', value: answer }], loss_weight: 1 },
    ];
    const textOnly = (answer: string) => [
      { role: 'user', content: [{ type: 'text', value: 'Count to three.' }], loss_weight: 0 },
      { role: 'assistant', content: [{ type: 'text', value: answer }], loss_weight: 1 },
    ];
    writeJsonl(join(dir, 'v1_prefs.jsonl'), [
      { chosen_messages: side('Red.'), rejected_messages: side('Blue.'), batch: 'b1' },
      { chosen_messages: textOnly('One, two, three.'), rejected_messages: textOnly('Three, two, one.') },
      { chosen_messages: side('Red.'), rejected_messages: side('Blue.', 'images/blue.png') },
      { chosen_messages: textOnly('a'), rejected_messages: [{ role: 'user', content: [{ type: 'text', value: 'Other question' }] }, { role: 'assistant', content: 'b' }] },
      {
        chosen_messages: [...textOnly('').slice(0, 1), { role: 'assistant', content: [{ type: 'image_url', value: 'images/red.png' }] }],
        rejected_messages: textOnly('No.'),
      },
    ]);
    const store = newProject();
    const report = await importDataset(store, join(dir, 'v1_prefs.jsonl'));
    expect(report).toMatchObject({ format: 'llamafactory-v1', rowsRead: 5, added: 2 });
    expect(report.errors.map((error) => error.message)).toEqual([
      'v1_prefs.jsonl:3: "chosen_messages" and "rejected_messages" show different images in the prompt; an item compares two answers to one prompt, so both sides must show the same images',
      'v1_prefs.jsonl:4: "chosen_messages" and "rejected_messages" must start with the same prompt (system and user turns); they differ from the first message',
      'v1_prefs.jsonl:5: the answer in "chosen_messages" contains an image; responses must be text',
    ]);
    const [vision, counting] = store.listItems({ order: 'id' }).items.map((summary) => store.getItem(summary.id));
    expect(vision).toMatchObject({
      id: expect.stringMatching(/^lf1-[0-9a-f]{12}$/),
      query: 'What colour is it?',
      prompt: [msg('system', 'Look closely.'), msg('user', [image, text('What colour is it?')])],
      responses: ['Red.', 'Blue.'],
      resolvedRanking: [0, 1],
      metadata: { batch: 'b1' },
    });
    expect(vision?.images.map((stored) => [stored.width, stored.height])).toEqual([[32, 24]]);
    expect(counting).toMatchObject({ query: 'Count to three.', prompt: null, responses: ['One, two, three.', 'Three, two, one.'] });
    store.close();
  });

  it('resolves image paths from the data file\'s folder, not from the LLaMA-Factory repository root', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'data', 'pics'), { recursive: true });
    await writePng(join(root, 'data', 'pics', 'a.png'), 8, 8);
    // Written as LLaMA-Factory writes them: relative to the repository root.
    const side = (answer: string) => [
      { role: 'user', content: [{ type: 'image_url', value: 'data/pics/a.png' }, { type: 'text', value: 'What is it?' }] },
      { role: 'assistant', content: [{ type: 'text', value: answer }] },
    ];
    writeJsonl(join(root, 'data', 'v1.jsonl'), [{ chosen_messages: side('A square.'), rejected_messages: side('A dog.') }]);
    const store = newProject();
    const report = await importDataset(store, join(root, 'data', 'v1.jsonl'));
    expect(report.errors[0]?.reason).toBe(
      `image not found at ${join(root, 'data', 'data', 'pics', 'a.png')}; check the path (relative paths are resolved from the data file's folder)`,
    );
    store.close();
  });
});
