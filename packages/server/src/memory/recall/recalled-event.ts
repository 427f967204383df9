import type { RecalledMemoryItem, RecalledPassageItem, RecalledTurn } from '@parley/sdk/protocol';
import type { RecallResult } from '../recall.js';
import type { PassageTurn } from './select-items.js';

const short = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const round = (x: number): number => Math.round(x * 1000) / 1000;
const turn = (t: PassageTurn | null): RecalledTurn | null =>
  t && { messageId: t.id, role: t.role, text: t.text, createdAt: t.createdAt.toISOString() };

/**
 * The `memory.recalled` payload (minus type, seq and ids): every memory and
 * passage the prompt got, with where it came from, its score and retriever.
 * `GET /v1/memories/recall` answers with the same shape.
 */
export function recalledEventFields(r: RecallResult): {
  memories: RecalledMemoryItem[];
  passages: RecalledPassageItem[];
} {
  return {
    memories: r.memories.map((m) => ({
      id: m.id,
      text: short(m.text, 120),
      kind: m.kind,
      score: round(m.score),
      retriever: m.retriever,
      source: {
        conversationId: m.source?.conversationId ?? null,
        messageId: m.source?.messageId ?? m.sourceMessageIds[0] ?? null,
        role: m.source?.role ?? null,
        createdAt: m.source?.createdAt.toISOString() ?? null,
      },
    })),
    passages: r.passages.map((p) => ({
      id: p.id,
      text: p.text,
      score: round(p.score),
      retriever: p.retriever,
      source: {
        conversationId: p.conversationId,
        messageId: p.id,
        role: p.role,
        createdAt: p.createdAt.toISOString(),
      },
      before: turn(p.before),
      after: turn(p.after),
    })),
  };
}
