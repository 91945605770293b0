import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTrailingThrottle } from '../../renderer/views/team/trailing-throttle';

describe('trailing throttle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once per burst of requests, after the delay', () => {
    const run = vi.fn();
    const throttle = createTrailingThrottle(run, 700);
    throttle.request();
    vi.advanceTimersByTime(300);
    throttle.request();
    throttle.request();
    expect(run).not.toHaveBeenCalled();
    expect(throttle.pending).toBe(true);
    vi.advanceTimersByTime(400);
    expect(run).toHaveBeenCalledTimes(1);
    expect(throttle.pending).toBe(false);
  });

  it('runs at most once per delay under a steady stream', () => {
    const run = vi.fn();
    const throttle = createTrailingThrottle(run, 700);
    for (let t = 0; t < 3500; t += 50) {
      throttle.request();
      vi.advanceTimersByTime(50);
    }
    expect(run).toHaveBeenCalledTimes(5);
  });

  it('forgets a waiting run when cancelled', () => {
    const run = vi.fn();
    const throttle = createTrailingThrottle(run, 700);
    throttle.request();
    throttle.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
    throttle.request();
    vi.advanceTimersByTime(700);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
