import type { MemoryRecalledEvent } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { PASSAGE_CHARS, recalledFrom } from '../src/chat/recalled.js';

const event = (e: Partial<MemoryRecalledEvent>): MemoryRecalledEvent => ({
  type: 'memory.recalled',
  seq: 1,
  conversationId: 'c1',
  responseId: 'r1',
  memories: [],
  ...e,
});
const passage = (id: string, text: string, role: string | null, createdAt: string | null) => ({
  id,
  text,
  score: 0.5,
  retriever: 'lexical' as const,
  source: { conversationId: 'c0', messageId: id, role, createdAt },
  before: null,
  after: null,
});

describe('the Remembered chip', () => {
  it('lists passages with who said them and when, beside the memories', () => {
    const r = recalledFrom(
      event({
        memories: [{ id: 'm1', text: 'User lives in Porto' }],
        passages: [
          passage('p1', 'Maya gave me a silver necklace', 'user', '2026-03-03T10:00:00.000Z'),
          passage('p2', 'It suits you!', 'assistant', null),
        ],
      }),
    );
    expect(r).toEqual({
      memories: ['User lives in Porto'],
      passages: [
        {
          id: 'p1',
          role: 'user',
          text: 'Maya gave me a silver necklace',
          at: '2026-03-03T10:00:00.000Z',
        },
        { id: 'p2', role: 'assistant', text: 'It suits you!', at: null },
      ],
    });
  });

  it('keeps a long passage short, cut at a word', () => {
    const long = `We talked about ${'the long road trip along the coast '.repeat(6)}`;
    const [p] = recalledFrom(event({ passages: [passage('p1', long, 'user', null)] })).passages;
    expect(p!.text.length).toBeLessThanOrEqual(PASSAGE_CHARS);
    expect(p!.text).toMatch(/ [a-z]+…$/);
    expect(long.startsWith(p!.text.slice(0, -1))).toBe(true);
  });

  it('reads an event from a server before 0.2 (no passages) as memories only', () => {
    const r = recalledFrom(event({ memories: [{ id: 'm1', text: 'User likes tea' }] }));
    expect(r).toEqual({ memories: ['User likes tea'], passages: [] });
  });
});
