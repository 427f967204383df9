import nock from 'nock';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  OPENAI,
  SSE_HEADERS,
  connectionRefused,
  isolateNetwork,
  openaiSse,
  sendTurn,
  startProviderApp,
} from '../helpers/provider-fixtures.js';
import type { TestApp, TestTenant } from '../helpers/test-app.js';

// What a tool hits on the network is for the operator's log; the model and
// the visitor get a reason code and a generic sentence.
const GEOCODING = 'https://geocoding-api.open-meteo.com';
const OPENAI_TENANT = { models: ['openai:gpt-4o-mini'], memory: { enabled: false } };

/** node:http errors as the socket layer raises them (nock needs real Error objects). */
const socketError = (message: string, fields: Record<string, unknown>): Error =>
  Object.assign(new Error(message), fields);

let t: TestApp;
let tenant: TestTenant;
const logLines: string[] = [];
let restore: () => void;

beforeAll(async () => {
  const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  t = await startProviderApp({ log });
  tenant = await t.createTenant(OPENAI_TENANT);
});
afterAll(() => t.close());
beforeEach(() => {
  restore = isolateNetwork();
  logLines.length = 0;
});
afterEach(() => restore());

/** One weather turn whose geocoding call fails as `failGeocoding` says. */
async function weatherTurnFailing(failGeocoding: (scope: nock.Interceptor) => nock.Scope) {
  const requests: any[] = [];
  nock(OPENAI)
    .post('/v1/chat/completions', (b) => (requests.push(b), true))
    .reply(200, openaiSse('openai-tool-call.chunks.txt'), SSE_HEADERS)
    .post('/v1/chat/completions', (b) => (requests.push(b), true))
    .reply(200, openaiSse('openai-after-tool.chunks.txt'), SSE_HEADERS);
  const vendor = failGeocoding(nock(GEOCODING).get('/v1/search').query(true));
  const turn = await sendTurn(t, tenant, "What's the weather in Lisbon?");
  expect(vendor.isDone()).toBe(true);
  const toolMessage = requests[1].messages.find((m: any) => m.role === 'tool');
  return { ...turn, toolMessage, modelRequest: JSON.stringify(requests[1]) };
}

const UNREACHABLE = 'The weather service could not be reached.';

describe('errors a tool hits reach the model and the visitor only as a reason and a generic text', () => {
  it.each([
    [
      'DNS failure',
      socketError('getaddrinfo ENOTFOUND geocoding-api.open-meteo.com', {
        code: 'ENOTFOUND',
        syscall: 'getaddrinfo',
        hostname: 'geocoding-api.open-meteo.com',
      }),
      'getaddrinfo ENOTFOUND geocoding-api.open-meteo.com',
    ],
    [
      'unreachable host',
      socketError('connect EHOSTUNREACH ::7f00:1:443', {
        code: 'EHOSTUNREACH',
        syscall: 'connect',
        address: '::7f00:1',
        port: 443,
      }),
      'connect EHOSTUNREACH ::7f00:1:443',
    ],
    [
      'refused connection',
      connectionRefused('10.20.30.40:443'),
      'connect ECONNREFUSED 10.20.30.40:443',
    ],
    [
      'TLS certificate error',
      socketError('certificate has expired', { code: 'CERT_HAS_EXPIRED' }),
      'certificate has expired',
    ],
  ])('%s → unreachable', async (_what, error, raw) => {
    const turn = await weatherTurnFailing((s) => s.replyWithError(error));

    const completed = turn.events.find((e) => e.type === 'tool.completed')!;
    expect(completed).toMatchObject({
      status: 'error',
      reason: 'unreachable',
      error: UNREACHABLE,
    });
    expect(JSON.parse(turn.toolMessage.content)).toEqual({
      error: UNREACHABLE,
      reason: 'unreachable',
    });
    for (const seen of [JSON.stringify(turn.events), turn.modelRequest]) {
      expect(seen).not.toContain(raw);
      expect(seen).not.toMatch(/ENOTFOUND|EHOSTUNREACH|ECONNREFUSED|CERT_|7f00|10\.20\.30\.40/);
    }
    expect(turn.events.at(-1)!.type).toBe('response.completed');

    // The operator sees everything: the raw error, the tool and the turn.
    const logged = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'tool failed');
    expect(logged).toMatchObject({
      tool: 'weather',
      reason: 'unreachable',
      tenantId: tenant.id,
      conversationId: turn.conversationId,
      responseId: completed.responseId,
      err: { message: raw },
    });
  });

  it('a vendor 5xx → upstream_error, its body only in the log', async () => {
    const body = 'Traceback: /srv/geocoder/app.py line 12, db=10.0.3.7 password=hunter2';
    const turn = await weatherTurnFailing((s) => s.reply(503, body));
    const text = 'The weather service answered with an error (HTTP 503); try again later.';
    expect(turn.events.find((e) => e.type === 'tool.completed')).toMatchObject({
      status: 'error',
      reason: 'upstream_error',
      error: text,
    });
    expect(JSON.parse(turn.toolMessage.content)).toEqual({ error: text, reason: 'upstream_error' });
    expect(JSON.stringify(turn.events)).not.toMatch(/Traceback|hunter2|10\.0\.3\.7/);
    expect(turn.modelRequest).not.toMatch(/Traceback|hunter2|10\.0\.3\.7/);
    expect(logLines.join('\n')).toContain('Open-Meteo geocoding answered HTTP 503');
  });

  it('keeps the tool’s own message for the model (no place found) as tool_error', async () => {
    const turn = await weatherTurnFailing((s) => s.reply(200, { generationtime_ms: 0.2 }));
    expect(turn.events.find((e) => e.type === 'tool.completed')).toMatchObject({
      reason: 'tool_error',
      error: 'No place called "Lisbon" was found',
    });
  });
});
