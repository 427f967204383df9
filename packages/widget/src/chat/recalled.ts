import type { MemoryRecalledEvent } from '@parley/sdk';

/** A past message the answer drew on, as the chip shows it: short, with who said it and when. */
export interface RecalledPassageChip {
  id: string;
  role: 'user' | 'assistant';
  /** At most PASSAGE_CHARS characters, cut at a word with "…". */
  text: string;
  /** ISO 8601 time the message was said, null when the server did not say. */
  at: string | null;
}

/** What the server recalled for one answer ("Remembered: …"). */
export interface Recalled {
  memories: string[];
  passages: RecalledPassageChip[];
}

export const PASSAGE_CHARS = 80;

/** The chip's view of a `memory.recalled` event; `passages` is absent from servers before 0.2. */
export function recalledFrom(event: MemoryRecalledEvent): Recalled {
  return {
    memories: event.memories.map((m) => m.text),
    passages: (event.passages ?? []).map((p) => ({
      id: p.id,
      role: p.source.role === 'assistant' ? 'assistant' : 'user',
      text: shorten(p.text),
      at: p.source.createdAt,
    })),
  };
}

function shorten(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= PASSAGE_CHARS) return t;
  const cut = t.slice(0, PASSAGE_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > PASSAGE_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}
