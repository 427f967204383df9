import { STOPWORDS, words } from '../text-features.js';

/** How a chat turn reads: a question, a short reply, and which turns say the same thing. */

const ASKS =
  /^(?:what|what's|whats|where|where's|when|who|who's|whom|which|why|how|do|does|did|is|are|was|were|can|could|would|will|should|have|has|remind|tell me|any idea)\b/i;

/** A question: it asks rather than states, so it is never evidence by itself. */
export function isQuestion(text: string): boolean {
  const t = text.trim();
  if (t.endsWith('?')) return true;
  // "what was the name of my dog" without the mark, but not "What a day. I adopted a dog."
  return ASKS.test(t) && !/[.!]\s+\S/.test(t) && t.length < 160;
}

const REPLY_OPENER =
  /^(?:yes|yeah|yep|yup|no|nope|nah|sure|right|exactly|true|oh|ah|haha|lol|well|it|that|this|she|he|they|we|there|both|neither|only|just|the)\b/i;

/**
 * A turn that leans on the one before it: a short answer ("Oslo.", "Nope,
 * Lisbon now") or one opening like an answer ("Yes, in May", "She did"), or
 * a short remark after a question. Its meaning needs the turn it replies to.
 */
export function isReply(text: string, previous: string | null): boolean {
  if (!previous) return false;
  const n = contentWords(text).length;
  if (n <= 3 || REPLY_OPENER.test(text.trim())) return true;
  return isQuestion(previous) && n <= 6;
}

function contentWords(text: string): string[] {
  return words(text).filter((w) => w.length > 1 && !STOPWORDS.has(w));
}

/** Content-word sets overlap this much (Jaccard): the turns say the same thing. */
export const NEAR_DUPLICATE = 0.7;

export function wordSet(text: string): Set<string> {
  return new Set(
    contentWords(text).map((w) => (w.length > 4 ? w.replace(/(?:es|s|ed|ing)$/, '') : w)),
  );
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / (a.size + b.size - common);
}
