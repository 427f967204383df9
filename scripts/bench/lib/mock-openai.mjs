import { readFileSync } from 'node:fs';
import http from 'node:http';

/**
 * A loopback OpenAI-compatible Chat Completions server. Streams exactly the
 * chunk envelope of the recorded fixture (openai-text.chunks.txt), with N
 * content tokens and a configurable pause between them. Memory-extraction
 * calls (the server's background jobs) get a short JSON answer without pause.
 */
const FIXTURE = new URL(
  '../../../packages/server/src/providers/__fixtures__/openai-text.chunks.txt',
  import.meta.url,
);

const WORDS =
  'Parley streams every answer token by token so the first words reach the user quickly while the rest of the reply is still being written by the model on the other side of the connection and nothing waits longer than it must before the text appears on screen'.split(
    ' ',
  );

const EXTRACTED = JSON.stringify({
  facts: [
    {
      text: 'User lives in Lisbon',
      kind: 'fact',
      importance: 0.7,
      slot: 'location',
      forget: false,
    },
    { text: 'User likes cycling', kind: 'preference', importance: 0.5, slot: null, forget: false },
  ],
});

export function tokens(n) {
  return Array.from({ length: n }, (_, i) => (i === 0 ? '' : ' ') + WORDS[i % WORDS.length]);
}

function templates() {
  const lines = readFileSync(FIXTURE, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { role: lines[0], content: lines[1], finish: lines.at(-2), usage: lines.at(-1) };
}

/** The SSE body of one streamed answer, as separate `data:` frames. */
export function answerFrames(pieces, promptTokens = 9) {
  const t = templates();
  const frame = (obj) => `data: ${JSON.stringify(obj)}\n\n`;
  const withContent = (text) => ({
    ...t.content,
    choices: [{ ...t.content.choices[0], delta: { content: text } }],
  });
  const usage = {
    ...t.usage,
    usage: {
      ...t.usage.usage,
      prompt_tokens: promptTokens,
      completion_tokens: pieces.length,
      total_tokens: promptTokens + pieces.length,
    },
  };
  return {
    head: frame(t.role),
    tokens: pieces.map((p) => frame(withContent(p))),
    tail: frame(t.finish) + frame(usage) + 'data: [DONE]\n\n',
  };
}

/**
 * `stamp`: every token's text is the epoch time (ms, µs precision) at which
 * the mock wrote it, so a client in another process can measure
 * token-written → event-parsed latency on the shared machine clock.
 */
export async function startMockOpenAI({ tokenCount = 50, tokenDelayMs = 2, stamp = false } = {}) {
  // `failing`: answer 500 like an outage; `stallAfter`: go silent after that many tokens.
  const state = {
    tokenDelayMs,
    requests: 0,
    extractionRequests: 0,
    failing: false,
    stallAfter: null,
  };
  let answer = stamp ? stampedAnswer(tokenCount) : answerFrames(tokens(tokenCount));
  const json = answerFrames([EXTRACTED]);
  const decisions = answerFrames(['{"decisions":[]}']);

  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"not found"}}');
        return;
      }
      state.requests++;
      if (state.failing) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"The server had an error","type":"server_error"}}');
        return;
      }
      let system = '';
      try {
        system = String(JSON.parse(body).messages?.[0]?.content ?? '');
      } catch {
        /* not JSON: answer as a normal turn */
      }
      const background = system.includes('{"facts":') || system.includes('{"decisions":');
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-request-id': `req_mock_${state.requests}`,
      });
      if (background) {
        state.extractionRequests++;
        const frames = system.includes('{"facts":') ? json : decisions;
        res.end(frames.head + frames.tokens.join('') + frames.tail);
        return;
      }
      stream(res, answer, state.tokenDelayMs, state.stallAfter);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    state,
    setTokenDelay(ms) {
      state.tokenDelayMs = ms;
    },
    /** The answer every turn gets from now on: `pieces` are its tokens. */
    setAnswer(pieces) {
      answer = answerFrames(pieces);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Same frames as answerFrames, but each token frame is made when it is written. */
function stampedAnswer(count) {
  const base = answerFrames(Array.from({ length: count }, () => '@'));
  const [before, after] = base.tokens[0].split('"@"');
  const now = () => (performance.timeOrigin + performance.now()).toFixed(3);
  return {
    head: base.head,
    tail: base.tail,
    tokens: Array.from({ length: count }, () => ({
      toString: () => `${before}" t${now()}"${after}`,
    })),
  };
}

/** Role chunk at once, then one write per token with the pause before each (first-token latency included). */
function stream(res, frames, delayMs, stallAfter = null) {
  const later = delayMs > 0 ? (fn) => setTimeout(fn, delayMs) : (fn) => setImmediate(fn);
  res.write(frames.head);
  let i = 0;
  const next = () => {
    if (res.destroyed) return; // the client went away: stop, like the real API
    if (stallAfter !== null && i >= stallAfter) return; // silent, connection open
    if (i < frames.tokens.length) {
      res.write(String(frames.tokens[i++]));
      later(next);
      return;
    }
    res.end(frames.tail);
  };
  later(next);
}
