import type { MemoryKind } from '../memory-policy.js';

/** A fact the user stated in a turn, before it is compared with what is stored. */
export interface CandidateFact {
  /** Third person, self-contained: "User lives in Lisbon". */
  text: string;
  kind: MemoryKind;
  /** 0..1: how much it matters for future conversations. */
  importance: number;
  /** The attribute it fills ("location", "name", "favourite:colour"), when one can be told. */
  slot: string | null;
  /** The user asked to forget this, rather than stating it. */
  forget: boolean;
}

/** What to do with one candidate; the same shape whether a model or the rules decided. */
export type Decision =
  | { event: 'ADD'; fact: CandidateFact }
  | { event: 'UPDATE'; targetId: string; fact: CandidateFact }
  | { event: 'DELETE'; targetId: string }
  | { event: 'NONE'; targetId: string | null };

export function clampImportance(v: unknown, fallback = 0.5): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : fallback;
}
