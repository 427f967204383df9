import type { Clock } from '../../clock/clock.js';

/**
 * The promise's value if it settles before `deadline` (clock time), else
 * null; it keeps running unobserved. Errors are reported and become null:
 * recall degrades, it never fails a turn.
 */
export async function within<T>(
  clock: Clock,
  p: Promise<T>,
  deadline: number,
  onError: (err: unknown) => void,
): Promise<T | null> {
  const guarded = p.catch((err: unknown) => {
    onError(err);
    return null;
  });
  const ms = deadline - clock.now();
  if (ms <= 0) return null;
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = clock.setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([guarded, timeout]);
  } finally {
    clock.clearTimeout(timer);
  }
}
