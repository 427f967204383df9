import { describe, expect, it } from 'vitest';
import { toVectorLiteral } from './embedder.js';
import { words } from './text-features.js';

/** The Unicode path of `words`, for every text: what the ASCII shortcut must agree with. */
const unicodeWords = (text: string): string[] =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

describe('words', () => {
  it('reads ASCII exactly as the Unicode path does (stored embeddings depend on it)', () => {
    const samples = [
      "My sister Ana moved to Oslo! She's happy :)",
      'snake_case, kebab-case & CamelCase42 x2\tTABS\nnew lines',
      '  --- ?? ',
      '',
      Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join(''),
    ];
    for (const s of samples) expect(words(s)).toEqual(unicodeWords(s));
  });

  it('strips accents from other text', () => {
    expect(words('São Paulo, Zürich!')).toEqual(['sao', 'paulo', 'zurich']);
  });
});

describe('toVectorLiteral', () => {
  it("prints pgvector's text form with the seven digits a float4 keeps", () => {
    expect(toVectorLiteral([0, -0, 0.123456789, -1, 1e-9])).toBe('[0,0,0.1234568,-1,1e-9]');
    expect(toVectorLiteral([])).toBe('[]');
  });
});
