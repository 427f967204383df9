import type { ExistingMemory } from '../memory-store.js';
import type { CandidateFact, Decision } from './decision.js';
import type { ChatModel } from './model-json.js';
import { askModelForJson } from './model-json.js';

export const DECIDE_PROMPT = `You maintain a user's long-term memory. Compare each new fact with the existing memories and choose one event per fact:
- ADD: new information that is not stored yet.
- UPDATE: it changes or refines an existing memory, e.g. the same attribute with a new value. Give that memory's id and the full new text.
- DELETE: the user asked to forget an existing memory, or the fact makes it false without replacing it. Give the id.
- NONE: already stored, or not worth keeping. Give the id when it matches one.
Return only JSON: {"decisions":[{"fact":0,"event":"ADD","id":null,"text":"..."}]}`;

/**
 * One model call decides every candidate. Existing memories get short ids
 * ("1", "2", …) because models copy those reliably and UUIDs less so; an id
 * the model invents is never acted on.
 */
export async function decideWithModel(
  chat: ChatModel,
  facts: CandidateFact[],
  existing: ExistingMemory[][],
  fallback: (i: number) => Decision,
  signal: AbortSignal,
): Promise<Decision[]> {
  const shortIds = new Map<string, string>();
  const listed: { id: string; text: string }[] = [];
  for (const list of existing) {
    for (const m of list) {
      if ([...shortIds.values()].includes(m.id)) continue;
      const short = String(shortIds.size + 1);
      shortIds.set(short, m.id);
      listed.push({ id: short, text: m.text });
    }
  }
  const answer = (await askModelForJson(
    chat,
    [
      { role: 'system', content: DECIDE_PROMPT },
      {
        role: 'user',
        content: JSON.stringify({
          existing: listed,
          facts: facts.map((f, index) => ({ index, text: f.text, forget: f.forget })),
        }),
      },
    ],
    signal,
  )) as { decisions?: unknown };
  const byFact = new Map<number, Record<string, unknown>>();
  if (Array.isArray(answer.decisions)) {
    for (const d of answer.decisions as Record<string, unknown>[]) {
      const i = Number(d?.fact);
      if (Number.isInteger(i) && i >= 0 && i < facts.length && !byFact.has(i)) byFact.set(i, d);
    }
  }
  return facts.map((fact, i) => {
    const d = byFact.get(i);
    if (!d) return fallback(i); // the model skipped it: the rules decide
    const target = d.id == null ? undefined : shortIds.get(String(d.id));
    const text =
      typeof d.text === 'string' && d.text.trim() ? d.text.trim().slice(0, 500) : fact.text;
    switch (d.event) {
      case 'ADD':
        return fact.forget
          ? { event: 'NONE', targetId: null }
          : { event: 'ADD', fact: { ...fact, text } };
      case 'UPDATE':
        return target
          ? { event: 'UPDATE', targetId: target, fact: { ...fact, text } }
          : { event: 'ADD', fact: { ...fact, text } };
      case 'DELETE':
        return target ? { event: 'DELETE', targetId: target } : { event: 'NONE', targetId: null };
      default:
        return { event: 'NONE', targetId: target ?? null };
    }
  });
}
