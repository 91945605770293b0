/**
 * Plain regressions for crashes the contract fuzz pass (contract-commands.fuzz.test.ts) found.
 */
import { describe, expect, it } from 'vitest';
import { createRouter } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';

describe('router regressions found by fuzzing', () => {
  it('answers not_found, instead of rejecting with a TypeError, for a command name String() cannot convert', async () => {
    const studio = new Studio({ kind: 'browser' });
    const router = createRouter(createHandlers(studio));
    for (const name of [[Object.create(null)], Object.create(null), Symbol('x'), null, 42]) {
      const envelope = await router.invoke(name, {});
      expect(envelope).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    expect(await router.invoke('no.such', {})).toMatchObject({ ok: false, error: { code: 'not_found', message: 'Unknown command "no.such".' } });
  });
});
