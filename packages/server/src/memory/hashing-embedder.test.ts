import { describe, expect, it } from 'vitest';
import { cosine } from './embedder.js';
import { HashingEmbedder } from './hashing-embedder.js';

describe('HashingEmbedder', () => {
  const e = new HashingEmbedder(512);

  it('gives the same unit-length vector for the same text, every time', async () => {
    const [a, b] = await e.embed(['I moved to Lisbon', 'I moved to Lisbon']);
    expect(a).toHaveLength(512);
    expect(a).toEqual(b);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 6);
    expect(await new HashingEmbedder(512).embed(['I moved to Lisbon'])).toEqual([a]);
  });

  it('ranks texts sharing words and word forms above unrelated ones', () => {
    const q = e.embedOne('where do I live these days?');
    const related = cosine(q, e.embedOne('User lives in Lisbon'));
    const unrelated = cosine(q, e.embedOne('User prefers green tea'));
    expect(related).toBeGreaterThan(unrelated);
    expect(cosine(e.embedOne('São Paulo'), e.embedOne('sao paulo'))).toBeCloseTo(1, 6);
  });

  it('sees a changed value of the same fact as close but not a duplicate', () => {
    const s = cosine(e.embedOne('User lives in Lisbon'), e.embedOne('User lives in Porto'));
    expect(s).toBeGreaterThan(e.similarity.relevant);
    expect(s).toBeLessThan(e.similarity.duplicate);
  });

  it('returns a zero vector for text without words, and refuses tiny widths', () => {
    expect(e.embedOne('?!').every((x) => x === 0)).toBe(true);
    expect(() => new HashingEmbedder(4)).toThrow(/at least 8/);
  });
});
