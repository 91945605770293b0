import { describe, expect, it } from 'vitest';
import { metadataText, toolName } from '../../renderer/views/items/item-source-fields';

describe('item source fields', () => {
  it('names tools in the OpenAI shape and bare, and says nothing for a nameless one', () => {
    expect(toolName({ type: 'function', function: { name: 'calculator', parameters: {} } })).toBe('calculator');
    expect(toolName({ name: 'realtime_aqi', description: 'Air quality' })).toBe('realtime_aqi');
    expect(toolName({ type: 'function' })).toBeNull();
    expect(toolName('calculator')).toBeNull();
  });

  it('shows strings as they are and anything else as compact JSON', () => {
    expect(metadataText('week-3')).toBe('week-3');
    expect(metadataText(7)).toBe('7');
    expect(metadataText({ passes: 2, ok: true })).toBe('{"passes":2,"ok":true}');
    expect(metadataText(null)).toBe('null');
  });
});
