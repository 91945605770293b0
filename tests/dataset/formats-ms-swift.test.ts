import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rankReaders } from '../../app/dataset/detect-format';
import { msSwiftReader } from '../../app/dataset/formats/ms-swift';
import { importDataset } from '../../app/dataset/import-dataset';
import { ProjectStore } from '../../app/store/project-store';
import { writeSeedFolder } from '../fixtures/seed-files';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

function newProject(): ProjectStore {
  return ProjectStore.create(join(tempDir(), 'project'), { name: 'ms-swift' });
}

const msg = (role: string, content: unknown) => ({ role, content });
const image = { type: 'image' };
const text = (value: string) => ({ type: 'text', text: value });

const clockTool = {
  type: 'function',
  function: { name: 'local_time', description: 'Current local time of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('ms-swift import', () => {
  it('reads messages + rejected_response / rejected_messages: system, turns, tool calls, <image> tags, tools, margin', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    const askColour = [msg('user', 'Which colour is this? <image>')];
    writeJsonl(join(dir, 'rm.jsonl'), [
      {
        id: 'turns',
        messages: [msg('system', 'You count.'), msg('user', 'One?'), msg('assistant', 'Two.'), msg('user', 'And then?'), msg('assistant', 'Three.')],
        rejected_response: 'Seven.',
        annotator_note: 'easy',
      },
      {
        id: 'agent',
        tools: JSON.stringify([clockTool]),
        messages: [
          msg('user', 'What time is it in Lima and Rome?'),
          msg('tool_call', '{"name": "local_time", "arguments": {"city": "Lima"}}'),
          msg('tool_call', '{"name": "local_time", "arguments": {"city": "Rome"}}'),
          msg('tool_response', '{"city": "Lima", "time": "07:10"}'),
          msg('tool_response', '{"city": "Rome", "time": "14:10"}'),
          msg('assistant', 'It is 07:10 in Lima and 14:10 in Rome.'),
        ],
        rejected_response: [msg('assistant', 'I cannot tell the time.')],
      },
      {
        id: 'picture',
        messages: [...askColour, msg('assistant', 'Red.')],
        rejected_messages: [...askColour, msg('assistant', 'Green.')],
        images: ['images/red.png'],
        rejected_images: ['images/red.png'],
        margin: 2.5,
      },
      { id: 'qr', system: 'Be polite.', history: [['Hello', 'Hi there.']], query: 'Can you help?', response: 'Gladly.', rejected_response: 'No.' },
    ]);
    const store = newProject();
    const report = await importDataset(store, join(dir, 'rm.jsonl'));
    expect(report).toMatchObject({ format: 'ms-swift', rowsRead: 4, added: 4, labeled: 4, errorCount: 0 });
    expect(store.getItem('turns')).toMatchObject({
      query: 'And then?',
      prompt: [msg('system', 'You count.'), msg('user', 'One?'), msg('assistant', 'Two.'), msg('user', 'And then?')],
      responses: ['Three.', 'Seven.'],
      resolvedRanking: [0, 1],
      metadata: { annotator_note: 'easy' },
      tools: null,
      margin: null,
    });
    expect(store.getItem('agent')).toMatchObject({
      query: 'What time is it in Lima and Rome?',
      prompt: [
        msg('user', 'What time is it in Lima and Rome?'),
        msg('tool_call', '{"name": "local_time", "arguments": {"city": "Lima"}}'),
        msg('tool_call', '{"name": "local_time", "arguments": {"city": "Rome"}}'),
        msg('tool', '{"city": "Lima", "time": "07:10"}'),
        msg('tool', '{"city": "Rome", "time": "14:10"}'),
      ],
      responses: ['It is 07:10 in Lima and 14:10 in Rome.', 'I cannot tell the time.'],
      tools: [clockTool],
      metadata: null,
    });
    const picture = store.getItem('picture');
    expect(picture).toMatchObject({
      query: 'Which colour is this? ',
      prompt: [msg('user', [text('Which colour is this? '), image])],
      responses: ['Red.', 'Green.'],
      margin: 2.5,
    });
    expect(picture.images.map((stored) => [stored.width, stored.height])).toEqual([[32, 24]]);
    expect(store.getItem('qr')).toMatchObject({
      prompt: [msg('system', 'Be polite.'), msg('user', 'Hello'), msg('assistant', 'Hi there.'), msg('user', 'Can you help?')],
      responses: ['Gladly.', 'No.'],
    });
    expect(await importDataset(store, join(dir, 'rm.jsonl'))).toMatchObject({ added: 0, unchanged: 4 });
    store.close();
  });

  it('refuses rows whose rejected side shows other images, and says what else is wrong', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    const ask = [msg('user', '<image>What is it?')];
    writeJsonl(join(dir, 'bad.jsonl'), [
      { messages: [...ask, msg('assistant', 'A red square.')], images: ['images/red.png'], rejected_response: 'A blue square.' },
      { messages: [...ask, msg('assistant', 'A red square.')], images: ['images/red.png'], rejected_images: ['images/blue.png'] },
      { messages: [...ask, msg('assistant', 'A red square.')], images: ['images/red.png'], rejected_messages: [...ask, msg('assistant', 'A red square.')], rejected_images: ['images/blue.png'] },
      { messages: [...ask, msg('assistant', 'A red square.')], images: ['images/red.png'], rejected_images: ['images/red.png'] },
      { messages: [msg('user', 'q')], rejected_response: 'b' },
      { messages: [msg('user', 'q'), msg('assistant', 'a')], rejected_response: 'b', rejected_messages: [msg('user', 'q'), msg('assistant', 'b')] },
      { messages: [msg('user', 'q'), msg('assistant', 'a')], rejected_messages: [msg('user', 'other'), msg('assistant', 'b')] },
      { messages: [msg('user', 'q'), msg('assistant', 'a')], rejected_response: 42 },
      { messages: [msg('user', '<video>q'), msg('assistant', 'a')], rejected_response: 'b', videos: ['clip.mp4'] },
      { messages: [msg('user', '<image>q'), msg('assistant', 'a')], rejected_response: 'b' },
    ]);
    const store = newProject();
    const report = await importDataset(store, join(dir, 'bad.jsonl'));
    expect(report.format).toBe('ms-swift');
    expect(report.errors.map((error) => error.message)).toEqual([
      'bad.jsonl:2: "rejected_images" (images/blue.png) differ from "images" (images/red.png): the rejected answer was given for other images, and an item compares responses to one prompt with one set of images, so this row cannot be imported',
      'bad.jsonl:3: "rejected_images" (images/blue.png) differ from "images" (images/red.png): the rejected answer was given for other images, and an item compares responses to one prompt with one set of images, so this row cannot be imported',
      'bad.jsonl:4: the row has no "rejected_response" or "rejected_messages"; give the rejected answer to the same conversation',
      'bad.jsonl:5: "messages" must end with the chosen assistant answer; its last message has the role "user"',
      'bad.jsonl:6: the row gives both "rejected_response" and "rejected_messages"; give one of them',
      'bad.jsonl:7: "rejected_messages" must repeat the conversation of "messages" and differ only in the last assistant answer; they differ from message 1',
      'bad.jsonl:8: field "rejected_response" must be the rejected answer as text or as [{"role": "assistant", "content": ...}]',
      'bad.jsonl:9: the row has videos; the studio compares responses to text and images only',
      'bad.jsonl:10: the conversation has 1 <image> placeholder(s) but the row lists 0 image(s); give one image per placeholder',
    ]);
    expect(report).toMatchObject({ added: 1, errorCount: 9 });
    store.close();
  });

  it('leaves ms-swift KTO rows (messages + label) to the unpaired reader', () => {
    const kto = { messages: [msg('user', 'Is water wet?'), msg('assistant', 'Yes.')], label: true };
    expect(msSwiftReader.fit(kto)).toBe(0);
    expect(msSwiftReader.fit({ ...kto, rejected_response: 'No.' })).toBe(0);
    expect(rankReaders([kto])[0]?.name).not.toBe('ms-swift');
  });
});
