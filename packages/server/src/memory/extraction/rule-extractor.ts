import type { MemoryKind } from '../memory-policy.js';
import type { CandidateFact } from './decision.js';
import { peopleFactsIn } from './people-rules.js';

/**
 * Facts from obvious first-person patterns, for the offline provider (no
 * model to ask). Deliberately narrow: a missed fact costs less than a wrong
 * one stored about a person.
 */

interface Pattern {
  re: RegExp;
  kind: MemoryKind;
  importance: number;
  slot: (m: RegExpExecArray) => string | null;
  /** The value is a name or a place. */
  proper?: boolean;
  text: (value: string, m: RegExpExecArray) => string;
}

// A value runs to the end of the clause; trailing time phrases are cut by `clean`.
const V = `([^.,;!?\\n]{1,80})`;

const PATTERNS: Pattern[] = [
  {
    re: /\b[Mm]y name is ([\p{L}'-]+(?: [\p{Lu}][\p{L}'-]+)?)/gu,
    kind: 'fact',
    importance: 0.9,
    slot: () => 'name',
    proper: true,
    text: (v) => `User's name is ${v}`,
  },
  {
    re: /\b(?:[Cc]all me|I am called|I'm called) ([\p{L}'-]+)/gu,
    kind: 'fact',
    importance: 0.9,
    slot: () => 'name',
    proper: true,
    text: (v) => `User's name is ${v}`,
  },
  {
    re: new RegExp(
      `\\bI(?:'ve| have)? (?:just |recently |finally )?(?:moved|relocated) to (?:the )?${V}`,
      'gi',
    ),
    kind: 'fact',
    importance: 0.8,
    slot: () => 'location',
    proper: true,
    text: (v) => `User lives in ${v}`,
  },
  {
    re: new RegExp(
      `\\bI(?:'m| am)? (?:now |currently |still )?(?:live|living|based) in (?:the )?${V}`,
      'gi',
    ),
    kind: 'fact',
    importance: 0.8,
    slot: () => 'location',
    proper: true,
    text: (v) => `User lives in ${v}`,
  },
  {
    re: new RegExp(`\\bI(?:'m| am) (?:originally )?from ${V}`, 'gi'),
    kind: 'fact',
    importance: 0.6,
    slot: () => 'origin',
    proper: true,
    text: (v) => `User is from ${v}`,
  },
  {
    re: new RegExp(`\\bI (?:now )?work (?:at|for) ${V}`, 'gi'),
    kind: 'fact',
    importance: 0.7,
    slot: () => 'employer',
    proper: true,
    text: (v) => `User works at ${v}`,
  },
  {
    re: new RegExp(`\\bI (?:now )?work as (an?|the) ${V}`, 'gi'),
    kind: 'fact',
    importance: 0.7,
    slot: () => 'job',
    text: (v, m) => `User works as ${m[1]!.toLowerCase()} ${v}`,
  },
  {
    re: new RegExp(`\\b[Mm]y fav(?:ou?)rite ([a-z]+(?: [a-z]+)?) is ${V}`, 'g'),
    kind: 'preference',
    importance: 0.6,
    slot: (m) => `favourite:${m[1]!.toLowerCase()}`,
    text: (v, m) => `User's favourite ${m[1]!.toLowerCase()} is ${v}`,
  },
  {
    re: /\bI(?:'m| am) (?:a )?(vegetarian|vegan|pescatarian)\b/gi,
    kind: 'fact',
    importance: 0.8,
    slot: () => 'diet',
    text: (v) => `User is ${v.toLowerCase()}`,
  },
  {
    re: new RegExp(`\\bI(?:'m| am) allergic to ${V}`, 'gi'),
    kind: 'fact',
    importance: 0.9,
    slot: () => null,
    text: (v) => `User is allergic to ${v}`,
  },
  {
    re: new RegExp(
      `\\bI (?:really |much |strongly )?(prefer|love|like|enjoy|hate|dislike|don't like) ${V}`,
      'gi',
    ),
    kind: 'preference',
    importance: 0.6,
    slot: () => null,
    text: (v, m) => `User ${VERB[m[1]!.toLowerCase()] ?? 'likes'} ${v}`,
  },
];

const VERB: Record<string, string> = {
  prefer: 'prefers',
  love: 'loves',
  like: 'likes',
  enjoy: 'enjoys',
  hate: 'dislikes',
  dislike: 'dislikes',
  "don't like": 'dislikes',
};

const TRAILING =
  /\s+(?:these days|as an?|and|but|since|because|so|now|then|last|this|next|a few|two|three|ago|yesterday|today|recently|already|anymore|too|as well|for (?:a|the|now|\d)|with (?:my|our)|for (?:my|her|his|their|our))\b.*$/i;
/**
 * A value that is a pronoun, a clause or a verb is not an object: "the thing
 * I love is awesome" must not become "User loves is awesome".
 */
const PRONOUN =
  /^(?:it|that|this|them|you|those|these|to|when|how|what|if|is|are|was|were|be|been|am|has|have|had|do|does|did|can|could|will|would|should|shall|may|might|must|not|very|so)\b/i;

function clean(raw: string, proper: boolean): string | null {
  const v = raw.replace(TRAILING, '').replace(/\s+/g, ' ').trim();
  if (!v || v.length > 60 || PRONOUN.test(v)) return null;
  // Names and places typed in lower case ("lisbon") are stored capitalised.
  return proper && v === v.toLowerCase()
    ? v.replace(/(^|\s)(\p{L})/gu, (_, sp: string, c: string) => sp + c.toUpperCase())
    : v;
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const FORGET =
  /^(?:(?:actually|oh|ok|okay|no|wait|hmm|and)[,!]?\s+)?(?:please\s+|can you\s+|could you\s+)*forget\s+(?:that|about|the fact that)?\s*(.*?)[.!]?$/i;

/** "Ana: I moved to Porto" — a transcript line in someone else's words. */
const SPEAKER = /^([\p{Lu}][\p{L}'-]+):\s+/u;

/** Candidate facts (and forget requests) in one user message. */
export function extractFactsByRules(message: string): CandidateFact[] {
  const speaker = SPEAKER.exec(message.trim());
  if (speaker) return spokenBy(speaker[1]!, message.trim().slice(speaker[0].length));
  const out: CandidateFact[] = [];
  for (const s of sentences(message)) {
    if (s.endsWith('?')) continue; // questions state nothing
    const forget = FORGET.exec(s);
    if (forget) {
      const rest = forget[1]!.trim();
      const facts = factsIn(rest);
      if (facts.length > 0) for (const f of facts) out.push({ ...f, forget: true });
      else
        out.push({
          text: /^(?:it|that|this)?$/i.test(rest) ? '' : rest,
          kind: 'fact',
          importance: 0,
          slot: null,
          forget: true,
        });
      continue;
    }
    out.push(...factsIn(s), ...peopleFactsIn(s, clean));
  }
  return out;
}

/** First-person facts of a quoted speaker belong to that speaker, never to the user. */
function spokenBy(name: string, text: string): CandidateFact[] {
  const out: CandidateFact[] = [];
  for (const s of sentences(text)) {
    if (s.endsWith('?')) continue;
    for (const f of factsIn(s)) {
      if (f.slot === 'name') continue;
      out.push({
        ...f,
        text: f.text.replace(/^User's /, `${name}'s `).replace(/^User /, `${name} `),
        slot: f.slot ? `person:${name.toLowerCase()}:${f.slot}` : null,
      });
    }
    out.push(...peopleFactsIn(s, clean));
  }
  return out;
}

function factsIn(s: string): CandidateFact[] {
  const out: CandidateFact[] = [];
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(s); m; m = p.re.exec(s)) {
      const value = clean(m[m.length - 1]!, p.proper ?? false);
      if (!value) continue;
      const text = p.text(value, m);
      if (out.some((f) => f.text === text)) continue;
      out.push({ text, kind: p.kind, importance: p.importance, slot: p.slot(m), forget: false });
    }
  }
  return out;
}
