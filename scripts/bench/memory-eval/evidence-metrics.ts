import type { RecallResult } from '../../../packages/server/src/memory/recall.js';

/** Message ids whose content reached the prompt: passages, their neighbours, memories' sources. */
export function coveredTurns(r: RecallResult): Set<string> {
  const out = new Set<string>();
  for (const p of r.passages) {
    out.add(p.id);
    if (p.before) out.add(p.before.id);
    if (p.after) out.add(p.after.id);
  }
  for (const m of r.memories) for (const id of m.sourceMessageIds) out.add(id);
  return out;
}

/** Share of the evidence turns found in `covered`. */
export function evidenceRecall(evidence: string[], covered: Set<string>): number {
  if (evidence.length === 0) return 0;
  return evidence.filter((id) => covered.has(id)).length / evidence.length;
}

/** Messages shown in the prompt (a memory counts as one). */
export function promptTurns(r: RecallResult): number {
  let n = r.memories.length;
  for (const p of r.passages) n += 1 + (p.before ? 1 : 0) + (p.after ? 1 : 0);
  return n;
}

export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}
