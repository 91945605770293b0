import { describe, expect, it } from 'vitest';
import type { PromptMessage } from '../../app/store/types';
import {
  earlierCountText,
  earlierFoldable,
  earlierSummary,
  roleLabel,
  threadOf,
  toolCallsOf,
  toolResultText,
  turnText,
} from '../../renderer/components/conversation';

const MATHS: PromptMessage[] = [
  { role: 'system', content: 'You are a careful maths tutor.' },
  { role: 'user', content: 'What is 1 + 2?' },
  { role: 'assistant', content: '3.' },
  { role: 'user', content: 'And 2 + 1?' },
  { role: 'assistant', content: 'Also 3.' },
  { role: 'user', content: 'So what does 1 + 2 equal?' },
];

describe('conversation threads', () => {
  it('a single-turn item is its query, nothing earlier', () => {
    const thread = threadOf('What colour is it?', null);
    expect(thread).toEqual({ earlier: [], last: { role: 'user', kind: 'user', parts: [{ type: 'text', text: 'What colour is it?' }] }, after: [], single: true });
    expect(earlierFoldable(thread)).toBe(false);
    expect(threadOf('q', []).single).toBe(true);
  });

  it('splits earlier turns from the last user turn, system prompt first among the earlier', () => {
    const thread = threadOf('So what does 1 + 2 equal?', MATHS);
    expect(thread.single).toBe(false);
    expect(thread.earlier.map((turn) => turn.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    expect(thread.last && turnText(thread.last)).toBe('So what does 1 + 2 equal?');
    expect(thread.after).toEqual([]);
    expect(earlierFoldable(thread)).toBe(true);
    expect(earlierCountText(thread.earlier.length)).toBe('5 earlier turns');
    expect(earlierCountText(1)).toBe('1 earlier turn');
    expect(earlierSummary(thread.earlier)).toBe('system prompt, 2 user, 2 assistant');
  });

  it('folds only when more than two messages come before the last user turn', () => {
    expect(earlierFoldable(threadOf('q', MATHS.slice(3)))).toBe(false); // user, assistant | user
    expect(earlierFoldable(threadOf('q', [MATHS[0] as PromptMessage, MATHS[5] as PromptMessage]))).toBe(false);
    expect(earlierFoldable(threadOf('q', MATHS.slice(1)))).toBe(true); // 4 earlier
  });

  it('keeps tool traffic after the last user turn with it, and labels every role', () => {
    const thread = threadOf('Weather?', [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'tool_call', content: '{"name": "weather", "arguments": {"city": "Paris"}}' },
      { role: 'tool', content: '{"temp": 21}' },
      { role: 'critic', content: 'be brief' },
    ]);
    expect(thread.earlier).toEqual([]);
    expect(thread.last?.role).toBe('user');
    expect(thread.after.map((turn) => [turn.kind, roleLabel(turn)])).toEqual([
      ['tool_call', 'Tool call'],
      ['tool', 'Tool result'],
      ['other', 'critic'],
    ]);
    expect(earlierSummary(thread.after)).toBe('1 tool call, 1 tool result, 1 critic');
    expect(earlierSummary([...thread.after, ...thread.after])).toBe('2 tool calls, 2 tool results, 2 critic');
  });

  it('numbers image parts across messages in order, so each shows the item image it stands for', () => {
    const thread = threadOf('And this one?', [
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is this?' }] },
      { role: 'assistant', content: 'A cat.' },
      { role: 'user', content: [{ type: 'text', text: 'And this one?' }, { type: 'image' }, { type: 'image' }] },
    ]);
    expect(thread.earlier[0]?.parts).toEqual([{ type: 'image', image: 0 }, { type: 'text', text: 'What is this?' }]);
    expect(thread.last?.parts).toEqual([{ type: 'text', text: 'And this one?' }, { type: 'image', image: 1 }, { type: 'image', image: 2 }]);
  });

  it('a prompt without a user turn keeps everything as earlier turns', () => {
    const thread = threadOf('', [{ role: 'system', content: 's' }]);
    expect(thread.last).toBeNull();
    expect(thread.earlier).toHaveLength(1);
  });
});

describe('tool blocks', () => {
  it('pretty-prints a call as its name and arguments, arguments given as an object or a JSON string', () => {
    expect(toolCallsOf('{"name": "weather", "arguments": {"city": "Paris", "days": 2}}')).toEqual([{ name: 'weather', body: '{\n  "city": "Paris",\n  "days": 2\n}' }]);
    expect(toolCallsOf('{"name": "weather", "arguments": "{\\"city\\": \\"Paris\\"}"}')).toEqual([{ name: 'weather', body: '{\n  "city": "Paris"\n}' }]);
    expect(toolCallsOf('{"name": "now"}')).toEqual([{ name: 'now', body: '' }]);
  });

  it("unwraps OpenAI's function wrapper and lists of calls", () => {
    const text = JSON.stringify([
      { id: 'c1', type: 'function', function: { name: 'add', arguments: '{"a":1,"b":2}' } },
      { name: 'sub', parameters: { a: 3 } },
    ]);
    expect(toolCallsOf(text)).toEqual([
      { name: 'add', body: '{\n  "a": 1,\n  "b": 2\n}' },
      { name: 'sub', body: '{\n  "a": 3\n}' },
    ]);
  });

  it('shows anything that is not a call verbatim or as pretty JSON', () => {
    expect(toolCallsOf('weather(city="Paris")')).toEqual([{ name: null, body: 'weather(city="Paris")' }]);
    expect(toolCallsOf('{"broken": ')).toEqual([{ name: null, body: '{"broken": ' }]);
    expect(toolCallsOf('{"city": "Paris"}')).toEqual([{ name: null, body: '{\n  "city": "Paris"\n}' }]);
    expect(toolCallsOf('[]')).toEqual([{ name: null, body: '[]' }]);
  });

  it('pretty-prints JSON tool results and leaves plain text alone', () => {
    expect(toolResultText('{"temp":21,"unit":"C"}')).toBe('{\n  "temp": 21,\n  "unit": "C"\n}');
    expect(toolResultText('21 degrees')).toBe('21 degrees');
    expect(toolResultText('42')).toBe('42');
    expect(toolResultText('{not json')).toBe('{not json');
  });
});
