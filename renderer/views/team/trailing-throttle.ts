/**
 * Runs a refresh at most once per `delayMs` however many events ask for it: the first request
 * starts a timer, the ones that arrive while it runs join it, and the refresh happens when it
 * fires. Judgments arrive in bursts while a team annotates; one recount per burst is enough.
 */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const globalTimers: Timers = {
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export interface TrailingThrottle {
  /** Asks for a run; one is already waiting: nothing more happens. */
  request(): void;
  /** Forgets a waiting run (the view is gone). */
  cancel(): void;
  readonly pending: boolean;
}

export function createTrailingThrottle(run: () => void, delayMs: number, timers: Timers = globalTimers): TrailingThrottle {
  let handle: unknown = null;
  return {
    request() {
      if (handle !== null) return;
      handle = timers.setTimeout(() => {
        handle = null;
        run();
      }, delayMs);
    },
    cancel() {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
    get pending() {
      return handle !== null;
    },
  };
}
