import { afterAll, describe, expect, it } from 'vitest';
import { cosine } from './embedder.js';
import { LocalEmbedder } from './local-embedder.js';

// The real model from the npm package (no network): loads in a worker thread.
const embedder = new LocalEmbedder();
afterAll(() => embedder.close());

describe('LocalEmbedder', () => {
  it('embeds meaning, not words: a paraphrase is closer than a stranger', async () => {
    const [puppy, dog, volcano, moved, lives] = await embedder.embed([
      'We adopted a puppy today!',
      'What is the name of my dog?',
      'How do volcanoes form?',
      'Nope, she moved to Oslo last month.',
      'Where does my sister live now?',
    ]);
    for (const v of [puppy, dog, volcano]) {
      expect(v).toHaveLength(512);
      expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
    }
    expect(cosine(puppy!, dog!)).toBeGreaterThan(cosine(puppy!, volcano!) + 0.2);
    expect(cosine(moved!, lives!)).toBeGreaterThan(cosine(volcano!, lives!));
    expect(cosine(puppy!, dog!)).toBeGreaterThan(embedder.similarity.relevant);
  });

  it('answers concurrent calls in order, each with its own vectors', async () => {
    const texts = ['red bicycle', 'blue sailing boat', 'green tea'];
    const one = await Promise.all(texts.map((t) => embedder.embed([t])));
    const all = await embedder.embed(texts);
    one.forEach(([v], i) => expect(cosine(v!, all[i]!)).toBeCloseTo(1, 4));
  });

  it('refuses a database width it cannot fill', () => {
    expect(() => new LocalEmbedder(1536)).toThrow(/PARLEY_EMBEDDING_DIMENSIONS=512/);
  });
});
