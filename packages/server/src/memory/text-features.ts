/** Text normalisation shared by the hashing embedder and full-text queries. */

/** A small English stop list: words that carry no meaning for recall. */
export const STOPWORDS = new Set(
  (
    'a an the and or but if of to in on at by for with from as is am are was were be been being ' +
    'i me my mine you your yours he she it its we our they them their this that these those ' +
    'do does did doing have has had having what which who whom whose when where why how ' +
    'can could should would will shall may might must not no so than too very just about ' +
    's t d ll m re ve there here then also into over under again any all some such only own user'
  ).split(' '),
);

const ASCII = /^[\x00-\x7f]*$/;

/** Lower-cased words without accents or punctuation, e.g. "São Paulo!" → ["sao", "paulo"]. */
export function words(text: string): string[] {
  // ASCII has no accents to strip and its letters and digits are [a-z0-9] once lower-cased:
  // the same words without Unicode normalisation, which recall runs on every candidate.
  if (ASCII.test(text))
    return text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Words worth searching for: no stopwords, no single letters, at most `max`. */
export function contentWords(text: string, max = 16): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || STOPWORDS.has(w) || out.includes(w)) continue;
    out.push(w);
    if (out.length >= max) break;
  }
  return out;
}

/** Text compared loosely: case, accents, punctuation and spacing ignored. */
export function sameText(a: string, b: string): boolean {
  return normalise(a) === normalise(b);
}

export function normalise(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
