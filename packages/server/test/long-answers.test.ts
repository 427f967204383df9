import http from 'node:http';
import { Readable } from 'node:stream';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestTenant } from './helpers/test-app.js';
import { turnFinished } from './helpers/turn-finished.js';
import {
  fixtureText,
  isolateNetwork,
  OPENAI,
  SSE_HEADERS,
  sendTurn,
  startProviderApp,
  streamedText,
} from './helpers/provider-fixtures.js';

/**
 * An answer in the recorded OpenAI chunk envelope, `pieces` content chunks
 * of `size` characters each (the fixture's own first/last lines around them).
 */
function longAnswer(pieces: number, size: number): { body: string; text: string } {
  const lines = fixtureText('openai-text.chunks.txt').trim().split('\n');
  const chunk = JSON.parse(lines[1]!) as { choices: [{ delta: { content: string } }] };
  const frame = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
  const parts: string[] = [frame(JSON.parse(lines[0]!))];
  let text = '';
  for (let i = 0; i < pieces; i++) {
    const piece = `${String(i).padStart(6, '0')} ${'x'.repeat(size - 8)} `;
    text += piece;
    chunk.choices[0].delta.content = piece;
    parts.push(frame(chunk));
  }
  parts.push(
    frame(JSON.parse(lines.at(-2)!)),
    frame(JSON.parse(lines.at(-1)!)),
    'data: [DONE]\n\n',
  );
  return { body: parts.join(''), text };
}

/** The body in 16 KiB pieces over several event-loop turns, as a network delivers it. */
function networkPaced(body: string): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < body.length; i += 16 * 1024) {
        yield body.slice(i, i + 16 * 1024);
        await new Promise((r) => setImmediate(r));
      }
    })(),
  );
}

let t: TestApp;
let tenant: TestTenant;
let restore: () => void;
beforeAll(async () => {
  restore = isolateNetwork();
  t = await startProviderApp({ env: { PARLEY_DEFAULT_MODELS: 'openai:gpt-4o-mini' } });
  tenant = await t.createTenant({ memory: { enabled: false } });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await t?.close();
  restore?.();
});

describe('answers of any length, readers of any speed', () => {
  it('stores a 2 MB answer in full and streams all of it', async () => {
    const { body, text } = longAnswer(2048, 1024);
    nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(200, () => networkPaced(body), SSE_HEADERS);
    const { events, rows } = await sendTurn(t, tenant, 'Write me something very long');
    expect(streamedText(events)).toBe(text);
    expect(events.at(-1)).toMatchObject({ type: 'response.completed' });
    const answer = rows.at(-1)!;
    expect(answer).toMatchObject({ role: 'assistant', status: 'complete' });
    expect(answer.content.length).toBe(text.length);
    expect(answer.content).toBe(text);
  });

  it('cuts off a reader that stops reading, while the answer is still generated and stored', async () => {
    // 12 MB: more than the socket buffers and the writer's own 4 MiB cap together.
    const { body, text } = longAnswer(12 * 1024, 1024);
    nock(OPENAI)
      .post('/v1/chat/completions')
      .reply(200, () => networkPaced(body), SSE_HEADERS);
    const { accessToken } = await tenant.session();
    const conv = await t.request('POST', '/v1/conversations', { token: accessToken, body: {} });
    const url = new URL(`${t.url}/v1/conversations/${conv.body.id}/messages`);
    // A client that reads the headers, then never reads again.
    const closed = new Promise<void>((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          accept: 'text/event-stream',
        },
      });
      req.on('response', (res) => {
        res.pause();
        res.socket.pause();
        res.on('close', resolve);
        res.on('error', () => resolve());
      });
      req.on('error', reject);
      req.end(JSON.stringify({ content: 'Write me something enormous' }));
    });
    await closed; // the server dropped the stalled reader instead of buffering 4 MB for it
    // The answer goes on without its reader, to the end, and is stored in full.
    await turnFinished(t, conv.body.id);
    const answer = await t.db
      .knex('messages')
      .where({ conversation_id: conv.body.id, role: 'assistant' })
      .first();
    expect(answer).toMatchObject({ status: 'complete' });
    expect(answer!.content).toBe(text);
  });
});
