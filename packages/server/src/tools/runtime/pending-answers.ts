import type { Clock } from '../../clock/clock.js';
import { sleep } from '../../clock/clock.js';
import type { Infra } from '../../infra/index.js';
import { addToIndex, readIndex, removeFromIndex } from './pending-index.js';

/**
 * A tool call waiting for a person or a client: an approval, or the result
 * of a client-side tool. The waiting turn may run on another instance than
 * the one the answer reaches, so the pending record lives in the shared
 * key/value store and the answer travels over pub/sub.
 */
export type PendingKind = 'approval' | 'client';

export interface PendingCall {
  kind: PendingKind;
  tenantId: string;
  userId: string;
  conversationId: string;
  toolCallId: string;
  name: string;
  /** Kept so a reconnecting client can show the question again. */
  args?: unknown;
  requestedAt?: string;
}

export type WaitOutcome<T> =
  { answered: true; value: T } | { answered: false; reason: 'timeout' | 'cancelled' };

const pendingKey = (tenantId: string, userId: string, toolCallId: string): string =>
  `tool-pending:${tenantId}:${userId}:${toolCallId}`;
const answerKey = (k: string): string => `${k}:answer`;
/** An answer claimed just before the deadline still gets this long to arrive. */
const GRACE_MS = 3_000;

/**
 * Registers the call, then runs `announce` (which emits the event the client
 * reacts to) and waits for `deliverAnswer`, the timeout or the abort signal.
 */
export async function waitForAnswer<T>(
  deps: { infra: Pick<Infra, 'kv' | 'pubsub'>; clock: Clock },
  call: PendingCall,
  timeoutMs: number,
  signal: AbortSignal,
  announce: () => void,
): Promise<WaitOutcome<T>> {
  const { infra, clock } = deps;
  const key = pendingKey(call.tenantId, call.userId, call.toolCallId);
  const record = JSON.stringify(call);
  let settle!: (o: WaitOutcome<T>) => void;
  const done = new Promise<WaitOutcome<T>>((resolve) => (settle = resolve));
  const unsubscribe = await infra.pubsub.subscribe(answerKey(key), (msg) =>
    settle({ answered: true, value: JSON.parse(msg) as T }),
  );
  const onAbort = () => settle({ answered: false, reason: 'cancelled' });
  signal.addEventListener('abort', onAbort, { once: true });
  // Subscribed before the record exists and before the client hears of the call.
  await infra.kv.set(key, record, timeoutMs + GRACE_MS);
  await addToIndex(infra, call, call.toolCallId, timeoutMs + GRACE_MS);
  announce();
  const onTimeout = async (): Promise<void> => {
    // Take the record back; if someone claimed it first, their answer is on its way.
    if (await infra.kv.deleteIfEquals(key, record))
      return settle({ answered: false, reason: 'timeout' });
    await sleep(clock, GRACE_MS);
    const stored = await infra.kv.get(answerKey(key));
    settle(
      stored
        ? { answered: true, value: JSON.parse(stored) as T }
        : { answered: false, reason: 'timeout' },
    );
  };
  const timer = clock.setTimeout(() => {
    onTimeout().catch(() => settle({ answered: false, reason: 'timeout' }));
  }, timeoutMs);
  if (signal.aborted) onAbort();
  try {
    return await done;
  } finally {
    clock.clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    await Promise.all([
      unsubscribe(),
      infra.kv.deleteIfEquals(key, record),
      infra.kv.del(answerKey(key)),
      removeFromIndex(infra, call, call.toolCallId, timeoutMs + GRACE_MS),
    ]);
  }
}

/** The calls of `kind` still waiting in a conversation of this user, oldest first. */
export async function listPending(
  infra: Pick<Infra, 'kv'>,
  scope: { tenantId: string; userId: string; conversationId: string },
  kind: PendingKind,
): Promise<PendingCall[]> {
  const ids = await readIndex(infra, scope);
  const raws = await Promise.all(
    ids.map((id) => infra.kv.get(pendingKey(scope.tenantId, scope.userId, id))),
  );
  return raws
    .filter((raw): raw is string => raw !== null)
    .map((raw) => JSON.parse(raw) as PendingCall)
    .filter((c) => c.kind === kind && c.conversationId === scope.conversationId);
}

/**
 * Answers a pending call. False when there is none for this user (unknown,
 * already answered, timed out, another user's or conversation's, or of the
 * other kind): the routes turn that into a 404.
 */
export async function deliverAnswer(
  infra: Pick<Infra, 'kv' | 'pubsub'>,
  scope: { tenantId: string; userId: string; conversationId?: string },
  kind: PendingKind,
  toolCallId: string,
  value: unknown,
): Promise<boolean> {
  const key = pendingKey(scope.tenantId, scope.userId, toolCallId);
  const raw = await infra.kv.get(key);
  if (!raw) return false;
  const call = JSON.parse(raw) as PendingCall;
  if (call.kind !== kind) return false;
  if (scope.conversationId && call.conversationId !== scope.conversationId) return false;
  // Claiming the record makes a second answer (or a double click) a no-op.
  if (!(await infra.kv.deleteIfEquals(key, raw))) return false;
  const message = JSON.stringify(value ?? null);
  await infra.kv.set(answerKey(key), message, 60_000);
  await infra.pubsub.publish(answerKey(key), message);
  return true;
}
