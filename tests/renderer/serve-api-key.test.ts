/**
 * The Serve panel's API key: Generate makes 32 random bytes of hex, and the panel's check says
 * yes or no to exactly the keys `serving.start` accepts (the renderer cannot import the zod schema
 * at runtime, so the rule is written twice and compared here).
 */
import { describe, expect, it } from 'vitest';
import { serveApiKey } from '../../app/contract/serving';
import { apiKeyProblem, generateApiKey, keyForExamples } from '../../renderer/views/models/serve-api-key';

describe('serve API key', () => {
  it('generates 64 lowercase hex digits, a new key each time', () => {
    const keys = new Set(Array.from({ length: 20 }, () => generateApiKey()));
    expect(keys.size).toBe(20);
    for (const key of keys) {
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(apiKeyProblem(key)).toBeNull();
    }
  });

  it('agrees with serving.start on which keys are usable', () => {
    const samples = [
      generateApiKey(),
      'a'.repeat(16),
      'a'.repeat(15),
      'a'.repeat(256),
      'a'.repeat(257),
      'sixteen-chars-ok!',
      `quote'and"dollar$-ok`,
      'has a space in it here',
      'tab\tinside-the-key-xx',
      'newline\ninside-the-key',
      ' leading-space-key-xx',
      'non-ascii-é-key-xxxxxx',
    ];
    for (const sample of samples) {
      expect(apiKeyProblem(sample) === null, JSON.stringify(sample)).toBe(serveApiKey.safeParse(sample).success);
    }
    expect(apiKeyProblem('')).toBeNull(); // an empty field means no key
    expect(apiKeyProblem('short')).toMatch(/at least 16/);
    expect(apiKeyProblem('has a space in it here')).toMatch(/whitespace/);
  });

  it('fills the examples with the key only for the server this window started with it', () => {
    const status = { apiKeyRequired: true, startedAt: '2026-12-02T10:00:00.000Z' };
    expect(keyForExamples({ ...status, apiKeyRequired: false }, { key: 'k'.repeat(16), startedAt: status.startedAt }, 'YOUR_API_KEY')).toBeNull();
    expect(keyForExamples(status, { key: 'k'.repeat(16), startedAt: status.startedAt }, 'YOUR_API_KEY')).toBe('k'.repeat(16));
    expect(keyForExamples(status, { key: 'k'.repeat(16), startedAt: '2026-12-01T10:00:00.000Z' }, 'YOUR_API_KEY')).toBe('YOUR_API_KEY');
    expect(keyForExamples(status, null, 'YOUR_API_KEY')).toBe('YOUR_API_KEY');
  });
});
