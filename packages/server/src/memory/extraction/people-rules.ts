import type { MemoryKind } from '../memory-policy.js';
import type { CandidateFact } from './decision.js';

/**
 * Facts about the people a user talks about ("my sister Ana moved to
 * Porto", "Tom got a job as a nurse"), stored about them: the memory names
 * the person ("User's sister Ana lives in Porto") and its slot is theirs
 * (`person:ana:location`), so the user's own home is never overwritten and a
 * later "Ana moved to Oslo" replaces only Ana's.
 */

const RELATIONS =
  'sister|brother|mum|mom|mother|dad|father|son|daughter|wife|husband|partner|boyfriend|girlfriend|' +
  'friend|best friend|colleague|coworker|boss|neighbour|neighbor|cousin|aunt|uncle|flatmate|roommate|grandma|grandpa';
const NAME = `[\\p{Lu}][\\p{Ll}'-]+`;
// "my sister Ana" | "my sister" | "Ana, my sister," (both commas) | "Ana"
const SUBJECT = `(?:[Mm]y (${RELATIONS})(?: (${NAME}))?|(${NAME}), my (${RELATIONS}),|(${NAME}))`;
const V = `([^.,;!?\\n]{1,60})`;
/** Capitalised words that start sentences but are nobody. */
const NOT_A_NAME = new Set(
  'I User Assistant The This That It He She They We You There Here My Our Your Their Today Yesterday Tomorrow Nope No Yes Yeah Oh Well So And But Also Then Now Just Finally'.split(
    ' ',
  ),
);

interface PersonPattern {
  verb: string;
  kind: MemoryKind;
  slot: string | null;
  text: (who: string, value: string, m: RegExpExecArray) => string;
  proper?: boolean;
}

const PATTERNS: PersonPattern[] = [
  {
    verb: `(?:lives|is living|is based|is now living|now lives) in (?:the )?${V}`,
    kind: 'fact',
    slot: 'location',
    proper: true,
    text: (who, v) => `${who} lives in ${v}`,
  },
  {
    verb: `(?:just |recently |finally )?(?:moved|relocated) to (?:the )?${V}`,
    kind: 'fact',
    slot: 'location',
    proper: true,
    text: (who, v) => `${who} lives in ${v}`,
  },
  {
    verb: `(?:works|is working|got a job|is training to become|started working) as (an?|the) ${V}`,
    kind: 'fact',
    slot: 'job',
    text: (who, v, m) => `${who} works as ${m[6]!.toLowerCase()} ${v}`,
  },
  {
    verb: `(?:is training to become|became|is now|is) (an?) (nurse|teacher|doctor|lawyer|chef|pilot|vet|dentist|architect|accountant|pharmacist|electrician|journalist|engineer|photographer|librarian|designer|programmer|developer)\\b()`,
    kind: 'fact',
    slot: 'job',
    text: (who, _v, m) => `${who} works as ${m[6]!.toLowerCase()} ${m[7]!.toLowerCase()}`,
  },
  {
    verb: `(?:works|is working|started working) (?:at|for) ${V}`,
    kind: 'fact',
    slot: 'employer',
    proper: true,
    text: (who, v) => `${who} works at ${v}`,
  },
  {
    verb: `(?:gave|got|bought) me (an?|the|some) ${V}`,
    kind: 'event',
    slot: null,
    text: (who, v, m) => `${who} gave the user ${m[6]!.toLowerCase()} ${v}`,
  },
  {
    verb: `is allergic to ${V}`,
    kind: 'fact',
    slot: null,
    text: (who, v) => `${who} is allergic to ${v}`,
  },
  {
    verb: `(?:really )?(loves|likes|enjoys|hates) ${V}`,
    kind: 'preference',
    slot: null,
    text: (who, v, m) => `${who} ${m[6]!.toLowerCase()} ${v}`,
  },
];

const COMPILED = PATTERNS.map((p) => ({
  ...p,
  re: new RegExp(`(?:^|[\\s(])${SUBJECT} ${p.verb}`, 'gu'),
}));

/** Candidate facts about other people in one sentence; `clean` tidies a value or rejects it. */
export function peopleFactsIn(
  sentence: string,
  clean: (raw: string, proper: boolean) => string | null,
): CandidateFact[] {
  const out: CandidateFact[] = [];
  for (const p of COMPILED) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(sentence); m; m = p.re.exec(sentence)) {
      const rel = (m[1] ?? m[4])?.toLowerCase();
      const name = m[2] ?? m[3] ?? m[5];
      if (!rel && (!name || NOT_A_NAME.has(name))) continue;
      const raw = m[m.length - 1] || m[7] || '';
      const value = clean(raw, p.proper ?? false);
      if (!value) continue;
      const who = rel ? `User's ${rel}${name && !NOT_A_NAME.has(name) ? ` ${name}` : ''}` : name!;
      const key = (name && !NOT_A_NAME.has(name) ? name : rel!).toLowerCase().replace(/\s+/g, '-');
      const text = p.text(who, value, m);
      if (out.some((f) => f.text === text)) continue;
      out.push({
        text,
        kind: p.kind,
        importance: p.kind === 'event' ? 0.5 : 0.6,
        slot: p.slot ? `person:${key}:${p.slot}` : null,
        forget: false,
      });
    }
  }
  return out;
}

/** "User's sister Ana lives in Porto" → "User's sister Ana"; null when the text names no relation. */
export function personSubject(text: string): string | null {
  const m = new RegExp(`^User's (?:${RELATIONS})(?: ${NAME})?`, 'u').exec(text);
  return m ? m[0] : null;
}
