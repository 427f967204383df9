import { STOPWORDS, words } from '../text-features.js';

/**
 * Words that make a sentence a request to remember rather than say what it
 * is about ("remind me what I told you about …"); searching for them finds
 * the user's earlier questions, not the answers.
 */
const ASKING = new Set(
  (
    'remember remind recall tell told telling say said saying mention mentioned know knew ' +
    'think thought please again ever anything something someone thing things lot get got ' +
    'let would could us via okay ok hey hi hello thanks thank'
  ).split(' '),
);

/** At most this many terms: a long message is mostly words that match everything. */
const MAX_TERMS = 12;

/**
 * The words of a query worth searching for, in order: no stop words, no
 * request words, no single letters, no repeats. SQL stems them (English).
 */
export function queryTerms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || STOPWORDS.has(w) || ASKING.has(w) || out.includes(w)) continue;
    out.push(w);
    if (out.length >= MAX_TERMS) break;
  }
  return out;
}

/**
 * The lexeme every row's `search_tsv` carries for its owner (see the
 * 20261201200000_memory_search migration): `u` + the user id's hex digits.
 */
export function ownerMarker(userId: string): string {
  const hex = userId.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error('user id is not a uuid');
  return `u${hex}`;
}
