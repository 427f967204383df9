import type { Infra } from '../../infra/index.js';

/**
 * The tool calls waiting in one conversation, so a page that reconnects can
 * ask what is still pending (GET …/pending-approvals). The key/value store
 * has no listing, so each conversation keeps one index key holding the ids.
 * Only the turn that holds the conversation's lock writes it, in this
 * process; writes are chained so parallel calls of one step don't race.
 */
type Scope = { tenantId: string; userId: string; conversationId: string };

const indexKey = (s: Scope): string =>
  `tool-pending-index:${s.tenantId}:${s.userId}:${s.conversationId}`;
const chains = new Map<string, Promise<void>>();

function update(
  infra: Pick<Infra, 'kv'>,
  scope: Scope,
  ttlMs: number,
  change: (ids: string[]) => string[],
): Promise<void> {
  const key = indexKey(scope);
  const next = (chains.get(key) ?? Promise.resolve()).then(async () => {
    const ids = change(await readIndex(infra, scope));
    if (ids.length) await infra.kv.set(key, JSON.stringify(ids), ttlMs);
    else await infra.kv.del(key);
  });
  const settled = next.catch(() => {});
  chains.set(key, settled);
  void settled.then(() => {
    if (chains.get(key) === settled) chains.delete(key);
  });
  return next;
}

export async function readIndex(infra: Pick<Infra, 'kv'>, scope: Scope): Promise<string[]> {
  const raw = await infra.kv.get(indexKey(scope));
  return raw ? (JSON.parse(raw) as string[]) : [];
}

export function addToIndex(
  infra: Pick<Infra, 'kv'>,
  scope: Scope,
  toolCallId: string,
  ttlMs: number,
): Promise<void> {
  return update(infra, scope, ttlMs, (ids) => [...ids.filter((i) => i !== toolCallId), toolCallId]);
}

export function removeFromIndex(
  infra: Pick<Infra, 'kv'>,
  scope: Scope,
  toolCallId: string,
  ttlMs: number,
): Promise<void> {
  return update(infra, scope, ttlMs, (ids) => ids.filter((i) => i !== toolCallId));
}
