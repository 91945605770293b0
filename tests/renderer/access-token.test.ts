import { describe, expect, it } from 'vitest';
import { readAccessToken, TOKEN_STORAGE_KEY } from '../../renderer/client/access-token';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (key: string) => data.get(key) ?? null, setItem: (key: string, value: string) => void data.set(key, value), data };
}

describe('readAccessToken', () => {
  it('takes the token from the URL, stores it, and removes it from the address bar', () => {
    const storage = memoryStorage();
    const replaced: string[] = [];
    const token = readAccessToken({
      location: { search: '?token=abc&x=1', pathname: '/', hash: '#/items' },
      sessionStorage: storage,
      history: { state: null, replaceState: (_state: unknown, _title: string, url?: string | URL | null) => void replaced.push(String(url)) },
    });
    expect(token).toBe('abc');
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe('abc');
    expect(replaced).toEqual(['/?x=1#/items']);
  });

  it('falls back to sessionStorage after a reload without the token', () => {
    const token = readAccessToken({ location: { search: '', pathname: '/', hash: '' }, sessionStorage: memoryStorage({ [TOKEN_STORAGE_KEY]: 'kept' }) });
    expect(token).toBe('kept');
  });

  it('returns null when neither has one (the cookie may still carry it)', () => {
    expect(readAccessToken({ location: { search: '', pathname: '/', hash: '' }, sessionStorage: memoryStorage() })).toBeNull();
  });
});
