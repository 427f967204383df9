import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIEmbedder } from './openai-embedder.js';

const fixtures = new URL('../providers/__fixtures__/', import.meta.url);
const read = (f: string) => readFileSync(new URL(f, fixtures), 'utf8');
const floats = (
  JSON.parse(read('openai-embeddings.json')) as { data: { embedding: number[] }[] }
).data.map((d) => d.embedding);
const INPUT = ['Lisbon is the capital of Portugal.', 'Porto is famous for port wine.'];

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

// The SDK asks for base64 (encoding_format unset by Parley) and decodes it.
const replay = (times = 1) =>
  nock('https://api.openai.com')
    .post(
      '/v1/embeddings',
      (b: Record<string, unknown>) =>
        b.model === 'text-embedding-3-small' &&
        b.dimensions === 8 &&
        b.encoding_format === 'base64' &&
        JSON.stringify(b.input) === JSON.stringify(INPUT),
    )
    .times(times)
    .reply(200, read('openai-embeddings.base64.json'), { 'content-type': 'application/json' });

describe('OpenAIEmbedder', () => {
  it('returns the vectors of text-embedding-3-small at the configured width', async () => {
    const scope = replay();
    const e = new OpenAIEmbedder({ apiKey: 'sk-test', dimensions: 8 });
    const out = await e.embed(INPUT);
    expect(scope.isDone()).toBe(true);
    expect(out).toHaveLength(2);
    out.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo(floats[i]![j]!, 6)));
    expect(e.id).toBe('openai:text-embedding-3-small');
  });

  it('sends large inputs in batches and keeps the input order', async () => {
    const scope = replay(2);
    const e = new OpenAIEmbedder({ apiKey: 'sk-test', dimensions: 8, batchSize: 2 });
    const out = await e.embed([...INPUT, ...INPUT]);
    expect(scope.isDone()).toBe(true);
    expect(out.map((v) => v[0]!.toFixed(5))).toEqual(
      [0, 1, 0, 1].map((i) => floats[i]![0]!.toFixed(5)),
    );
  });

  it('fails clearly when the API returns another width than configured', async () => {
    nock('https://api.openai.com')
      .post('/v1/embeddings')
      .reply(200, read('openai-embeddings.base64.json'), { 'content-type': 'application/json' });
    const e = new OpenAIEmbedder({ apiKey: 'sk-test', dimensions: 16 });
    await expect(e.embed(INPUT)).rejects.toThrow(/returned 8 dimensions, expected 16/);
  });
});
