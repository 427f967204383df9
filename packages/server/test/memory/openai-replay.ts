import { readFileSync } from 'node:fs';
import nock from 'nock';

const providerFixtures = new URL('../../src/providers/__fixtures__/', import.meta.url);
const memoryFixtures = new URL('../../src/memory/__fixtures__/', import.meta.url);

const headers = JSON.parse(
  readFileSync(new URL('openai-error-headers.json', providerFixtures), 'utf8'),
) as Record<string, Record<string, string>>;

export type ChatBody = {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
};

/** A recorded `*.chunks.txt` stream as the SSE body OpenAI sends. */
function sseBody(file: URL): string {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return lines.map((l) => `data: ${l}\n\n`).join('') + 'data: [DONE]\n\n';
}

/** Replays one streamed chat completion from a fixture for requests that `match`. */
export function replayChat(
  fixture: string,
  match: (body: ChatBody) => boolean,
  from: 'memory' | 'providers' = 'memory',
): nock.Scope {
  const file = new URL(fixture, from === 'memory' ? memoryFixtures : providerFixtures);
  return nock('https://api.openai.com')
    .post('/v1/chat/completions', (b: ChatBody) => b.stream === true && match(b))
    .reply(200, sseBody(file), headers['200']);
}

/** Replays the embeddings fixture (`openai-embeddings[.base64].json`) for matching requests. */
export function replayEmbeddings(
  fixture: string,
  match: (body: Record<string, unknown>) => boolean,
): nock.Scope {
  const body = readFileSync(new URL(fixture, providerFixtures), 'utf8');
  return nock('https://api.openai.com')
    .post('/v1/embeddings', match)
    .reply(200, body, { ...headers['200'], 'content-type': 'application/json' });
}

/** Blocks the network except loopback, and collects requests nothing matched. */
export function isolateNetwork(): { unmatched: string[]; restore(): void } {
  const unmatched: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string; hostname?: string; host?: string }) => {
    const host = req.hostname ?? req.host ?? '';
    if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host))
      unmatched.push(`${req.method} ${host}${req.path}`);
  };
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  nock.emitter.on('no match', onNoMatch);
  return {
    unmatched,
    restore() {
      nock.emitter.off('no match', onNoMatch);
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}
