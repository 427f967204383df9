import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import type { ServerConfig } from '../../src/config/env.js';
import { loadConfig } from '../../src/config/env.js';
import type { LlmConfig } from '../../src/config/provider-env.js';
import { loadLlmConfig } from '../../src/config/provider-env.js';
import { buildProviders } from '../../src/providers/build-providers.js';
import type {
  ChatMessage,
  ChatProvider,
  ProviderChunk,
  ToolSpec,
} from '../../src/providers/provider.js';
import { ProviderError } from '../../src/providers/provider.js';
import type { TestApp, TestAppOptions, TestTenant } from './test-app.js';
import { parseSse, startTestApp } from './test-app.js';

/**
 * Replays the recorded vendor fixtures in src/providers/__fixtures__ (see its
 * README for the wire formats) and starts apps whose providers talk to nock.
 */
const DIR = fileURLToPath(new URL('../../src/providers/__fixtures__/', import.meta.url));

export const OPENAI = 'https://api.openai.com';
export const ANTHROPIC = 'https://api.anthropic.com';
export const GOOGLE = 'https://generativelanguage.googleapis.com';

/** The raw bytes of a non-streamed fixture (error bodies keep their exact format). */
export function fixtureText(name: string): string {
  return readFileSync(DIR + name, 'utf8');
}

function lines(name: string): string[] {
  return fixtureText(name).trim().split('\n');
}

/** `data: <line>\n\n` per line, then `[DONE]` unless the fixture is a cut-off stream. */
export function openaiSse(name: string, opts: { done?: boolean } = {}): string {
  const body = lines(name)
    .map((l) => `data: ${l}\n\n`)
    .join('');
  return opts.done === false ? body : `${body}data: [DONE]\n\n`;
}

/** `event: <type>\ndata: <line>\n\n` per line. */
export function anthropicSse(name: string): string {
  return lines(name)
    .map((l) => `event: ${(JSON.parse(l) as { type: string }).type}\ndata: ${l}\n\n`)
    .join('');
}

/** Gemini frames with CRLF, no terminator. */
export function geminiSse(name: string): string {
  return lines(name)
    .map((l) => `data: ${l}\r\n\r\n`)
    .join('');
}

/** Recorded response headers for a status (`openai` / `anthropic` `-error-headers.json`). */
export function fixtureHeaders(
  vendor: 'openai' | 'anthropic',
  status: number,
): Record<string, string> {
  const all = JSON.parse(fixtureText(`${vendor}-error-headers.json`)) as Record<
    string,
    Record<string, string>
  >;
  const h = { ...all[String(status)] };
  // nock frames the body itself; a recorded framing header would contradict it.
  delete h['transfer-encoding'];
  delete h['content-length'];
  return h;
}

export const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8' };

/** Resolves when the scope's (next) interceptor has received its request: a state, not a wait. */
export function whenRequested(scope: nock.Scope): Promise<void> {
  return new Promise((resolve) => scope.once('request', () => resolve()));
}

/**
 * A provider that accepted the request and then says nothing: a body that
 * never ends (until `end()`, or the caller aborts). No timer is involved.
 */
export function stalledBody(): { body: PassThrough; end(): void } {
  const body = new PassThrough();
  return { body, end: () => body.destroy() };
}

/** Block the internet; allow the test's own server. Returns the cleanup. */
export function isolateNetwork(): () => void {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  return () => {
    nock.abortPendingRequests();
    nock.cleanAll();
    nock.enableNetConnect();
  };
}

export const TEST_KEYS = {
  openaiApiKey: 'sk-test-openai',
  anthropicApiKey: 'sk-ant-test',
  googleApiKey: 'goog-test-key',
} as const;

/**
 * A test app whose registry is built by the real buildProviders from
 * `env` (provider settings) plus the vendor keys, so requests reach nock.
 */
export async function startProviderApp(
  opts: { env?: Record<string, string>; config?: Partial<ServerConfig> } & Omit<
    TestAppOptions,
    'providers' | 'config'
  > = {},
): Promise<TestApp> {
  const llm: LlmConfig = loadLlmConfig(opts.env ?? {}, []);
  const overrides: Partial<ServerConfig> = { ...TEST_KEYS, llm, ...opts.config };
  const { registry, defaultModels } = buildProviders(
    loadConfig({}, { jwtSecret: 'x'.repeat(32), ...overrides }),
  );
  return startTestApp({ ...opts, providers: registry, defaultModels, config: overrides });
}

export interface TurnResult {
  conversationId: string;
  userId: string;
  /** Protocol events (the `data` of each SSE frame). */
  events: Array<Record<string, any>>;
  /** Every message row of the conversation, oldest first. */
  rows: Array<Record<string, any>>;
}

/** One user turn over SSE in a new conversation, plus what the database kept. */
export async function sendTurn(
  t: TestApp,
  tenant: TestTenant,
  content: string,
): Promise<TurnResult> {
  const { accessToken, userId } = await tenant.session();
  const conv = await t.request('POST', '/v1/conversations', { token: accessToken, body: {} });
  const res = await t.request('POST', `/v1/conversations/${conv.body.id}/messages`, {
    token: accessToken,
    body: { content },
    headers: { accept: 'text/event-stream' },
  });
  if (res.status !== 200) throw new Error(`turn failed: ${res.status} ${res.text}`);
  const rows = await t.db
    .knex('messages')
    .where({ conversation_id: conv.body.id, tenant_id: tenant.id })
    .orderBy('seq');
  return {
    conversationId: conv.body.id,
    userId,
    events: parseSse(res.text).map((e) => e.data),
    rows,
  };
}

export const streamedText = (events: TurnResult['events']): string =>
  events
    .filter((e) => e.type === 'text.delta')
    .map((e) => e.delta as string)
    .join('');

/** The tool the recorded tool-call fixtures ask for. */
export const WEATHER_TOOL: ToolSpec = {
  name: 'weather',
  description: 'Current weather for a place',
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' } },
    required: ['location'],
  },
};

/** Reads a provider stream to the end; a failure must be a ProviderError. */
export async function collectChunks(
  provider: ChatProvider,
  model: string,
  messages: ChatMessage[],
  tools?: ToolSpec[],
): Promise<{ chunks: ProviderChunk[]; error: ProviderError | null }> {
  const chunks: ProviderChunk[] = [];
  try {
    const req = { model, messages, tools, signal: new AbortController().signal };
    for await (const c of provider.stream(req)) chunks.push(c);
    return { chunks, error: null };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    return { chunks, error: err };
  }
}

export const textOf = (chunks: ProviderChunk[]): string =>
  chunks.map((c) => (c.type === 'text' ? c.text : '')).join('');

/**
 * What a refused connection looks like to a client: an Error with the
 * system code (nock needs a real Error to fail a node:http request).
 */
export function connectionRefused(host = '127.0.0.1:443'): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${host}`), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
  });
}
