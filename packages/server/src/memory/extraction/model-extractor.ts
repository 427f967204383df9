import { isMemoryKind } from '../memory-policy.js';
import type { CandidateFact } from './decision.js';
import { clampImportance } from './decision.js';
import type { ChatModel } from './model-json.js';
import { askModelForJson } from './model-json.js';

export const EXTRACT_PROMPT = `You extract long-term memories about the user from one conversation turn.
Return only JSON: {"facts":[{"text":"...","kind":"fact|preference|event|goal","importance":0.0,"slot":null,"forget":false}]}
Rules:
- Keep only what the user states about themselves that will still matter in a later conversation. Ignore greetings, small talk, questions, the assistant's words and anything transient.
- Write each fact in the third person and self-contained, e.g. "User lives in Lisbon".
- slot: a short name for an attribute that has one current value (location, name, employer, job, diet, favourite:<thing>), else null.
- importance: 0.9 identity or safety (name, allergies), 0.7 stable facts, 0.5 preferences, 0.3 passing events.
- If the user asks to forget something, return that fact with "forget": true.
- If nothing qualifies, return {"facts":[]}.`;

const MAX_TURN_CHARS = 4000;

/** Candidate facts in a turn, as the tenant's model sees them. */
export async function extractFactsWithModel(
  chat: ChatModel,
  turn: { user: string; assistant: string | null },
  signal: AbortSignal,
): Promise<CandidateFact[]> {
  const content =
    `User: ${turn.user.slice(0, MAX_TURN_CHARS)}` +
    (turn.assistant ? `\nAssistant: ${turn.assistant.slice(0, MAX_TURN_CHARS / 4)}` : '');
  const answer = (await askModelForJson(
    chat,
    [
      { role: 'system', content: EXTRACT_PROMPT },
      { role: 'user', content },
    ],
    signal,
  )) as { facts?: unknown };
  if (!Array.isArray(answer.facts)) return [];
  const out: CandidateFact[] = [];
  for (const f of answer.facts.slice(0, 20) as Record<string, unknown>[]) {
    if (typeof f?.text !== 'string' || !f.text.trim()) continue;
    out.push({
      text: f.text.trim().slice(0, 500),
      kind: isMemoryKind(f.kind) ? f.kind : 'fact',
      importance: clampImportance(f.importance),
      slot: typeof f.slot === 'string' && f.slot ? f.slot.slice(0, 60) : null,
      forget: f.forget === true,
    });
  }
  return out;
}
