/**
 * Turns paused on a person's approval, keyed by their abort signal. While a
 * turn waits for a human, a dropped client (reload, lost network) must not
 * cancel it: the answer may come from a new page, and the turn then finishes
 * in the background. An explicit cancel still aborts the controller directly.
 */
const waiting = new WeakMap<AbortSignal, number>();

export function markAwaitingHuman(signal: AbortSignal, delta: 1 | -1): void {
  const n = (waiting.get(signal) ?? 0) + delta;
  if (n > 0) waiting.set(signal, n);
  else waiting.delete(signal);
}

export function isAwaitingHuman(signal: AbortSignal): boolean {
  return waiting.has(signal);
}

/** The disconnect handler of every transport: abort, unless a person is being asked. */
export function abortOnDisconnect(controller: AbortController): void {
  if (!isAwaitingHuman(controller.signal)) controller.abort(new Error('client disconnected'));
}
