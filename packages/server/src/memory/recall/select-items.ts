import type { Neighbour } from '../search/candidate-search.js';
import type { Retriever, ScoredHit } from './score-hits.js';
import type { RecallTuning } from './tuning.js';
import { NEAR_DUPLICATE, isQuestion, isReply, jaccard, wordSet } from './turn-shape.js';

export interface RecalledMemory {
  id: string;
  text: string;
  kind: string;
  score: number;
  retriever: Retriever;
  lastUsedAt: Date;
  /** The messages it was extracted from. */
  sourceMessageIds: string[];
  /** The first of them, when it still exists. */
  source: { conversationId: string; messageId: string; role: string; createdAt: Date } | null;
}

/** A turn shown for context next to a recalled passage. */
export interface PassageTurn {
  id: string;
  role: string;
  text: string;
  createdAt: Date;
}

export interface RecalledPassage {
  /** The message id. */
  id: string;
  conversationId: string;
  role: string;
  text: string;
  createdAt: Date;
  score: number;
  retriever: Retriever;
  /** The turn it answers (before) and/or the answer it got (after), when it needs them to make sense. */
  before: PassageTurn | null;
  after: PassageTurn | null;
}

export interface Selection {
  memories: RecalledMemory[];
  passages: RecalledPassage[];
}

const PASSAGE_CHARS = 300;
const clip = (s: string): string =>
  s.length > PASSAGE_CHARS ? `${s.slice(0, PASSAGE_CHARS - 1)}…` : s;

/**
 * From best to worst: keep what is evidence, drop echoes and repeats, stop
 * when the score falls under a share of the best, the item cap or the
 * character budget. A user's own question is an echo, never evidence; a
 * passage whose memory was already taken, or that says what a taken item
 * says, is a repeat. A reply carries the turn it replies to; a question from
 * the other side carries its answer.
 */
export function selectItems(
  ranked: ScoredHit[],
  neighbours: Neighbour[],
  tuning: RecallTuning,
): Selection {
  const memories: RecalledMemory[] = [];
  const passages: RecalledPassage[] = [];
  const best = ranked[0]?.score ?? 0;
  const taken: Set<string>[] = [];
  const covered = new Set<string>(); // message ids already in the prompt (or behind a memory)
  const around = new Map<string, { before?: Neighbour; after?: Neighbour }>();
  for (const n of neighbours) {
    const slot = around.get(n.of) ?? {};
    slot[n.side] = n;
    around.set(n.of, slot);
  }
  let chars = tuning.maxChars;
  // A message that a relevant memory was extracted from, or that says what it says, gives way
  // to the memory: memories are current (a changed fact replaces them) and short.
  const memoryHits = ranked.filter(
    (s) => s.hit.source === 'memory' && s.score >= best * tuning.relativeFloor,
  );
  const behindMemories = new Set(memoryHits.flatMap((s) => s.hit.sourceMessageIds));
  // Each candidate's words are read once: both repeat checks use them.
  const wordSets = new Map<string, Set<string>>();
  const wordsOf = (text: string): Set<string> => {
    let set = wordSets.get(text);
    if (!set) wordSets.set(text, (set = wordSet(text)));
    return set;
  };
  const memoryWords = memoryHits.map((s) => wordsOf(s.hit.text));
  const saidByMemory = (text: string): boolean => {
    const set = wordsOf(text);
    return memoryWords.some((m) => jaccard(m, set) >= NEAR_DUPLICATE);
  };

  const repeats = (text: string): boolean => {
    const set = wordsOf(text);
    if (taken.some((s) => jaccard(s, set) >= NEAR_DUPLICATE)) return true;
    taken.push(set);
    return false;
  };

  for (const { hit, score, retriever } of ranked) {
    if (memories.length + passages.length >= tuning.maxItems) break;
    if (score < best * tuning.relativeFloor) break;
    if (hit.source === 'memory') {
      const redundant =
        hit.sourceMessageIds.length > 0 && hit.sourceMessageIds.every((id) => covered.has(id));
      if (redundant || hit.text.length + 4 > chars || repeats(hit.text)) continue;
      chars -= hit.text.length + 4;
      for (const id of hit.sourceMessageIds) covered.add(id);
      memories.push({
        id: hit.id,
        text: hit.text,
        kind: hit.kind ?? 'fact',
        score,
        retriever,
        lastUsedAt: hit.lastUsedAt,
        sourceMessageIds: hit.sourceMessageIds,
        source:
          hit.sourceMessage && hit.conversationId
            ? {
                conversationId: hit.conversationId,
                messageId: hit.sourceMessage.id,
                role: hit.role ?? 'user',
                createdAt: hit.sourceMessage.createdAt,
              }
            : null,
      });
      continue;
    }
    if (covered.has(hit.id) || behindMemories.has(hit.id) || saidByMemory(hit.text)) continue;
    if (hit.role === 'user' && isQuestion(hit.text)) continue; // an echo of an earlier question
    const near = around.get(hit.id) ?? {};
    const before =
      near.before && !covered.has(near.before.id) && isReply(hit.text, near.before.text)
        ? near.before
        : null;
    const after =
      near.after && !covered.has(near.after.id) && hit.role !== 'user' && isQuestion(hit.text)
        ? near.after
        : null;
    const text = clip(hit.text);
    const cost =
      text.length +
      24 +
      (before ? clip(before.text).length + 24 : 0) +
      (after ? clip(after.text).length + 24 : 0);
    if (cost > chars) continue;
    if (repeats(hit.text)) continue;
    chars -= cost;
    covered.add(hit.id);
    if (before) covered.add(before.id);
    if (after) covered.add(after.id);
    const turn = (n: Neighbour): PassageTurn => ({
      id: n.id,
      role: n.role,
      text: clip(n.text),
      createdAt: n.createdAt,
    });
    passages.push({
      id: hit.id,
      conversationId: hit.conversationId!,
      role: hit.role ?? 'user',
      text,
      createdAt: hit.createdAt,
      score,
      retriever,
      before: before ? turn(before) : null,
      after: after ? turn(after) : null,
    });
  }
  return { memories, passages };
}
