/**
 * Time as a dependency. Every timeout, expiry, window and schedule in the
 * server reads `now()` and arms timers through a Clock, so tests advance time
 * instead of waiting for it (see ManualClock).
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Arms a one-shot timer; the handle is opaque. Timers never keep the process alive. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export interface TimerHandle {
  readonly __timer: unique symbol;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t as unknown as TimerHandle;
  },
  clearTimeout(handle) {
    if (handle) clearTimeout(handle as unknown as NodeJS.Timeout);
  },
};

/**
 * Runs `fn` every `ms` of the clock's time (a one-shot timer re-armed after
 * each run, so a manual clock fires it once per period advanced). Returns the stop function.
 */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let stopped = false;
  let timer: TimerHandle | undefined;
  const arm = (): void => {
    timer = clock.setTimeout(() => {
      if (stopped) return;
      fn();
      arm();
    }, ms);
  };
  arm();
  return () => {
    stopped = true;
    clock.clearTimeout(timer);
  };
}

/** Resolves after `ms` of the clock's time (manual clocks: when advanced past it). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
