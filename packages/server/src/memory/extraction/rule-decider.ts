import type { ExistingMemory } from '../memory-store.js';
import { contentWords, sameText } from '../text-features.js';
import type { CandidateFact, Decision } from './decision.js';
import { personSubject } from './people-rules.js';

export interface RuleContext {
  /** Current memories near the candidate (and any filling its slot). */
  existing: ExistingMemory[];
  similarity: { relevant: number; duplicate: number };
  /** For a bare "forget that": the newest memory taken from this conversation. */
  latestInConversation: ExistingMemory | null;
}

/**
 * The decision a model would make, by rules: a new value for a slot the user
 * already has replaces it (UPDATE, the old one kept as history); a
 * near-duplicate changes nothing; a forget request invalidates its match.
 */
export function decideByRules(c: CandidateFact, ctx: RuleContext): Decision {
  if (c.forget) {
    const target = c.text === '' ? ctx.latestInConversation : forgetTarget(c, ctx);
    return target ? { event: 'DELETE', targetId: target.id } : { event: 'NONE', targetId: null };
  }
  if (c.slot) {
    const current = ctx.existing.find((e) => e.slot === c.slot);
    if (current) {
      const fact = keepRelation(c, current.text);
      return sameText(current.text, fact.text)
        ? { event: 'NONE', targetId: current.id }
        : { event: 'UPDATE', targetId: current.id, fact };
    }
  }
  const dup = ctx.existing.find(
    (e) => sameText(e.text, c.text) || e.similarity >= ctx.similarity.duplicate,
  );
  return dup ? { event: 'NONE', targetId: dup.id } : { event: 'ADD', fact: c };
}

/** The stored memory a forget request names: same slot and value, else shared words. */
function forgetTarget(c: CandidateFact, ctx: RuleContext): ExistingMemory | null {
  if (c.slot) {
    return (
      ctx.existing.find(
        (e) =>
          e.slot === c.slot &&
          (sameText(e.text, c.text) || e.similarity >= ctx.similarity.duplicate),
      ) ?? null
    );
  }
  const wanted = contentWords(c.text);
  const matches = ctx.existing.filter((e) => {
    if (e.similarity < ctx.similarity.relevant) return false;
    // Memories are phrased "User …": that word says nothing about which one.
    const have = contentWords(e.text).filter((h) => h !== 'user' && h.length >= 3);
    // Prefix match, so "forget about my dogs" finds "User has a dog".
    return wanted.some((w) => have.some((h) => h.startsWith(w) || w.startsWith(h)));
  });
  return matches.sort((a, b) => b.similarity - a.similarity)[0] ?? null;
}

/**
 * "Ana moved to Oslo" replacing "User's sister Ana lives in Porto" keeps
 * saying who Ana is: "User's sister Ana lives in Oslo".
 */
function keepRelation(c: CandidateFact, currentText: string): CandidateFact {
  const subject = personSubject(currentText);
  if (!subject || !c.slot?.startsWith('person:')) return c;
  const name = subject.split(' ').at(-1)!;
  return c.text.startsWith(`${name} `)
    ? { ...c, text: `${subject}${c.text.slice(name.length)}` }
    : c;
}
