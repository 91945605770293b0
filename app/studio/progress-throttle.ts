/**
 * Progress callbacks can fire thousands of times a second; a UI needs a few. Emits the first
 * update at once, then at most one per interval, and always the last one (via `flush`).
 */
export function throttleProgress<T>(emit: (value: T) => void, intervalMs = 250): { push(value: T): void; flush(): void } {
  let lastEmit = 0;
  let pending: T | undefined;
  let timer: NodeJS.Timeout | undefined;

  const fire = () => {
    timer = undefined;
    if (pending === undefined) return;
    const value = pending;
    pending = undefined;
    lastEmit = Date.now();
    emit(value);
  };

  return {
    push(value) {
      pending = value;
      const wait = intervalMs - (Date.now() - lastEmit);
      if (wait <= 0) fire();
      else timer ??= setTimeout(fire, wait);
    },
    flush() {
      if (timer) clearTimeout(timer);
      fire();
    },
  };
}
