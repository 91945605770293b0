/** Toasts expire by kind, pause while hovered, and never pile up beyond three (newest first). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createToastStore, MAX_VISIBLE_TOASTS, TOAST_LIFETIME_MS } from '../../renderer/state/toast-store';

describe('toast store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('confirmations expire after about 5 s, errors after about 12 s', () => {
    const store = createToastStore();
    store.getState().push({ kind: 'success', message: 'Exported 10 rows.' });
    store.getState().push({ kind: 'error', message: 'Import failed', hint: 'Check the path.' });
    expect(TOAST_LIFETIME_MS.success).toBe(5_000);
    expect(TOAST_LIFETIME_MS.error).toBe(12_000);
    vi.advanceTimersByTime(4_999);
    expect(store.getState().toasts.map((toast) => toast.kind)).toEqual(['error', 'success']);
    vi.advanceTimersByTime(1);
    expect(store.getState().toasts.map((toast) => toast.kind)).toEqual(['error']);
    vi.advanceTimersByTime(12_000 - 5_000 - 1);
    expect(store.getState().toasts).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(store.getState().toasts).toEqual([]);
  });

  it('keeps at most three, newest first, dropping the oldest', () => {
    const store = createToastStore();
    for (const n of [1, 2, 3, 4, 5]) store.getState().push({ kind: 'info', message: `m${n}` });
    expect(MAX_VISIBLE_TOASTS).toBe(3);
    expect(store.getState().toasts.map((toast) => toast.message)).toEqual(['m5', 'm4', 'm3']);
    vi.advanceTimersByTime(TOAST_LIFETIME_MS.info);
    expect(store.getState().toasts).toEqual([]);
  });

  it('a hovered toast does not expire; it gets the rest of its time back when left', () => {
    const store = createToastStore();
    const id = store.getState().push({ kind: 'success', message: 'Saved.' });
    vi.advanceTimersByTime(3_000);
    store.getState().pause(id);
    vi.advanceTimersByTime(60_000);
    expect(store.getState().toasts).toHaveLength(1);
    store.getState().resume(id);
    vi.advanceTimersByTime(1_999);
    expect(store.getState().toasts).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(store.getState().toasts).toEqual([]);
  });

  it('dismissing by hand stops the clock; a later expiry does nothing', () => {
    const store = createToastStore();
    const error = store.getState().push({ kind: 'error', message: 'Export failed' });
    store.getState().push({ kind: 'info', message: 'Undone.' });
    store.getState().dismiss(error);
    expect(store.getState().toasts.map((toast) => toast.message)).toEqual(['Undone.']);
    vi.advanceTimersByTime(TOAST_LIFETIME_MS.error);
    expect(store.getState().toasts).toEqual([]);
  });

  it('a duration given with the toast overrides its kind', () => {
    const store = createToastStore();
    store.getState().push({ kind: 'info', message: 'Judgments kept in this browser.', durationMs: 20_000 });
    vi.advanceTimersByTime(19_999);
    expect(store.getState().toasts).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(store.getState().toasts).toEqual([]);
  });
});
