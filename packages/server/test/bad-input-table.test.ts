import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataTables, snapshotAll } from './helpers/db-snapshot.js';
import type { RawResponse } from './helpers/raw-http.js';
import { rawHttp } from './helpers/raw-http.js';
import type { TestApp } from './helpers/test-app.js';
import { ADMIN_TOKEN, startTestApp } from './helpers/test-app.js';

/**
 * Every kind of bad input, one row each, sent over a real socket byte for
 * byte: the answer is the status and error code of the row, in the
 * envelope, with a message, and not one row of any table changes.
 */

let t: TestApp;
let token = '';
let tenantId = '';
let conversationId = '';
let tables: string[] = [];

beforeAll(async () => {
  t = await startTestApp();
  const tenant = await t.createTenant();
  tenantId = tenant.id;
  token = (await tenant.session('alice')).accessToken;
  conversationId = (await t.request('POST', '/v1/conversations', { token, body: {} })).body.id;
  await t.request('POST', '/v1/conversations', { token, body: { title: 'second' } });
  tables = await dataTables(t.db.knex);
});
afterAll(() => t.close());

interface Row {
  name: string;
  method?: string;
  /** Default: POST /v1/conversations as the user. */
  path?: () => string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  code: string;
  reason?: string;
  message?: RegExp;
}

const json = { 'content-type': 'application/json' };
const nested = (depth: number) =>
  `{"metadata":${'{"a":'.repeat(depth - 1)}1${'}'.repeat(depth - 1)}}`;
const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const ID = '00000000-0000-4000-8000-000000000000';
const messages = (query: string) => () => `/v1/conversations/${conversationId}/messages?${query}`;
const list = (query: string) => () => `/v1/conversations?${query}`;
const gzipBomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)); // 20 MiB of spaces, ~20 KiB

const ROWS: Row[] = [
  // Strings PostgreSQL cannot store
  {
    name: 'NUL in a string',
    body: '{"title":"a\\u0000b"}',
    status: 400,
    code: 'invalid_request',
    reason: 'nul_character',
    message: /\/title/,
  },
  {
    name: 'NUL in a nested key',
    body: '{"metadata":{"k\\u0000":"v"}}',
    status: 400,
    code: 'invalid_request',
    reason: 'nul_character',
    message: /\/metadata\/k\\u0000/,
  },
  {
    name: 'NUL in a message',
    path: () => `/v1/conversations/${conversationId}/messages`,
    body: '{"content":"hi\\u0000"}',
    status: 400,
    code: 'invalid_request',
    reason: 'nul_character',
    message: /\/content/,
  },
  {
    name: 'NUL in a query value',
    method: 'GET',
    path: () => `/v1/admin/tenants/${tenantId}/users?email=a%00b`,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    status: 400,
    code: 'invalid_request',
    message: /Query/,
  },
  // Shape
  {
    name: 'JSON nested 33 deep',
    body: nested(33),
    status: 400,
    code: 'invalid_request',
    reason: 'too_deep',
    message: /deeper than 32/,
  },
  {
    name: 'JSON nested 100 000 deep',
    body: '['.repeat(100_000),
    status: 400,
    code: 'invalid_request',
    reason: 'too_deep',
  },
  {
    name: 'a duplicate key',
    body: '{"title":"a","title":"b"}',
    status: 400,
    code: 'invalid_request',
    reason: 'duplicate_key',
    message: /\/title/,
  },
  {
    name: 'a __proto__ key',
    body: '{"metadata":{"__proto__":{"admin":true}}}',
    status: 400,
    code: 'invalid_request',
    reason: 'forbidden_key',
  },
  {
    name: 'malformed JSON',
    body: '{"title": "x"',
    status: 400,
    code: 'invalid_request',
    reason: 'malformed_json',
  },
  {
    name: 'a UTF-8 byte-order mark',
    body: '\uFEFF{"title":"x"}',
    status: 400,
    code: 'invalid_request',
    reason: 'malformed_json',
  },
  {
    name: 'invalid UTF-8',
    body: Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    status: 400,
    code: 'invalid_request',
    reason: 'malformed_utf8',
  },
  // Numbers
  {
    name: 'a number that overflows to Infinity',
    body: '{"metadata":{"n":1e400}}',
    status: 400,
    code: 'invalid_request',
    reason: 'number_out_of_range',
    message: /\/metadata\/n/,
  },
  {
    name: 'an integer past 2^53',
    body: '{"metadata":{"n":18446744073709551616}}',
    status: 400,
    code: 'invalid_request',
    reason: 'number_out_of_range',
  },
  {
    name: 'afterSeq=1e30',
    method: 'GET',
    path: messages('afterSeq=1e30'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'afterSeq=NaN',
    method: 'GET',
    path: messages('afterSeq=NaN'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'afterSeq=-1',
    method: 'GET',
    path: messages('afterSeq=-1'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'afterSeq past 2^53',
    method: 'GET',
    path: messages('afterSeq=9007199254740993'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'afterSeq on the stream',
    method: 'GET',
    path: () => `/v1/conversations/${conversationId}/stream?afterSeq=1e30`,
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'limit=-1',
    method: 'GET',
    path: messages('limit=-1'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'limit=1e9',
    method: 'GET',
    path: messages('limit=1e9'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'limit given twice',
    method: 'GET',
    path: list('limit=1&limit=2'),
    status: 400,
    code: 'invalid_request',
  },
  // Cursors
  {
    name: 'a cursor that is not base64 JSON',
    method: 'GET',
    path: list('cursor=%%%garbage'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'a cursor with a non-UUID id',
    method: 'GET',
    path: list(`cursor=${cursor(['2026-01-01T00:00:00.000Z', 'nope'])}`),
    status: 400,
    code: 'invalid_request',
    message: /cursor/,
  },
  {
    name: 'a cursor on February 30',
    method: 'GET',
    path: list(`cursor=${cursor(['2026-02-30T00:00:00.000Z', ID])}`),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'a cursor in year 275760',
    method: 'GET',
    path: list(`cursor=${cursor(['+275760-09-13T00:00:00.000Z', ID])}`),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'a cursor in year 0',
    method: 'GET',
    path: list(`cursor=${cursor(['0000-01-01T00:00:00.000Z', ID])}`),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'a cursor with a bare number',
    method: 'GET',
    path: list(`cursor=${cursor(['99999', ID])}`),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'an admin cursor with a non-UUID id',
    method: 'GET',
    path: () => `/v1/admin/tenants?cursor=${cursor(['2026-01-01T00:00:00.000Z', "x' or 1=1"])}`,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    status: 400,
    code: 'invalid_request',
  },
  // Media types and encodings
  {
    name: 'Content-Encoding zstd',
    headers: { ...json, 'content-encoding': 'zstd' },
    body: '{"title":"x"}',
    status: 415,
    code: 'unsupported_media_type',
    reason: 'unsupported_content_encoding',
  },
  {
    name: 'stacked Content-Encoding',
    headers: { ...json, 'content-encoding': 'gzip, gzip' },
    body: zlib.gzipSync(zlib.gzipSync('{"title":"x"}')),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a gzip bomb (20 MiB decoded)',
    headers: { ...json, 'content-encoding': 'gzip' },
    body: gzipBomb,
    status: 413,
    code: 'payload_too_large',
    reason: 'body_too_large',
  },
  {
    name: 'plain JSON labelled gzip',
    headers: { ...json, 'content-encoding': 'gzip' },
    body: '{"title":"x"}',
    status: 400,
    code: 'invalid_request',
    reason: 'malformed_encoding',
  },
  {
    name: 'text/plain',
    headers: { 'content-type': 'text/plain' },
    body: '{"title":"x"}',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a form',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'title=x',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'no content type',
    headers: {},
    body: '{"title":"x"}',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'charset latin1',
    headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    body: '{"title":"x"}',
    status: 415,
    code: 'unsupported_media_type',
    reason: 'unsupported_charset',
  },
  {
    name: 'charset utf-16',
    headers: { 'content-type': 'application/json; charset=utf-16' },
    body: '{"title":"x"}',
    status: 415,
    code: 'unsupported_media_type',
    reason: 'unsupported_charset',
  },
  // Size
  {
    name: 'a body over the limit',
    body: JSON.stringify({ title: 'x'.repeat(300 * 1024) }),
    status: 413,
    code: 'payload_too_large',
    reason: 'body_too_large',
  },
  {
    name: 'a Content-Length over the limit',
    headers: { ...json, 'content-length': String(10 * 1024 * 1024) },
    body: '{}',
    status: 413,
    code: 'payload_too_large',
  },
  // Methods and paths
  { name: 'TRACE', method: 'TRACE', path: () => '/v1/me', status: 405, code: 'method_not_allowed' },
  {
    name: 'PROPFIND',
    method: 'PROPFIND',
    path: () => '/v1/me',
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'MKCOL',
    method: 'MKCOL',
    path: () => '/v1/conversations',
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'CONNECT',
    method: 'CONNECT',
    path: () => '/v1/me',
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'a method no parser knows',
    method: 'PARLEYX',
    path: () => '/v1/me',
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'a trailing slash',
    path: () => '/v1/conversations/',
    body: '{"title":"x"}',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'an encoded dot segment',
    path: () => '/v1/%2e%2e/v1/conversations',
    body: '{"title":"x"}',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'an uppercase id',
    method: 'DELETE',
    path: () => `/v1/conversations/${conversationId.toUpperCase()}`,
    status: 404,
    code: 'not_found',
  },
];

async function send(row: Row): Promise<RawResponse> {
  const hasBody = row.body !== undefined;
  return rawHttp(t.url, {
    method: row.method ?? 'POST',
    path: row.path ? row.path() : '/v1/conversations',
    headers: {
      authorization: `Bearer ${token}`,
      ...(hasBody && !row.headers ? json : {}),
      ...row.headers,
    },
    body: row.body,
  });
}

describe('bad input, one row each: a 4xx in the envelope and nothing stored', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const before = await snapshotAll(t.db.knex, tables);
    const res = await send(row);
    expect(res.status, res.text.slice(0, 300)).toBe(row.status);
    expect(res.body?.error?.code, res.text.slice(0, 300)).toBe(row.code);
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(res.body.error.message.length).toBeGreaterThan(0);
    expect(res.body.error.requestId).toEqual(expect.any(String));
    if (row.reason) expect(res.body.error.details?.reason).toBe(row.reason);
    if (row.message) expect(res.body.error.message).toMatch(row.message);
    expect(await snapshotAll(t.db.knex, tables)).toEqual(before);
  });
});

describe('the limits are not stricter than they say', () => {
  const post = (body: string | Buffer, headers: Record<string, string> = json) =>
    send({ name: 'control', body, headers, status: 0, code: '' });

  it('stores a body nested exactly 32 deep', async () => {
    const res = await post(nested(32));
    expect(res.status, res.text).toBe(201);
  });

  it('decodes gzip, deflate and br bodies', async () => {
    for (const [coding, encode] of [
      ['gzip', zlib.gzipSync],
      ['deflate', zlib.deflateSync],
      ['br', zlib.brotliCompressSync],
    ] as const) {
      const title = `compressed with ${coding}`;
      const res = await post(encode(JSON.stringify({ title })), {
        ...json,
        'content-encoding': coding,
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body.title).toBe(title);
    }
  });

  it('accepts charset=utf-8, the largest safe integer and unicode', async () => {
    const res = await post(
      JSON.stringify({ title: 'héllo ✓ 𝄞', metadata: { n: Number.MAX_SAFE_INTEGER, f: 0.5 } }),
      { 'content-type': 'application/json; charset=UTF-8' },
    );
    expect(res.status, res.text).toBe(201);
    const row = await t.db.knex('conversations').where({ id: res.body.id }).first();
    expect(row.metadata).toEqual({ n: Number.MAX_SAFE_INTEGER, f: 0.5 });
  });

  it('pages on with the cursors it issues, and afterSeq up to 2^53 - 1', async () => {
    const first = await t.request('GET', '/v1/conversations?limit=1', { token });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await t.request(
      'GET',
      `/v1/conversations?limit=1&cursor=${first.body.nextCursor}`,
      { token },
    );
    expect(next.status).toBe(200);
    expect(next.body.data[0].id).not.toBe(first.body.data[0].id);
    const far = await t.request(
      'GET',
      `/v1/conversations/${conversationId}/messages?afterSeq=${Number.MAX_SAFE_INTEGER}`,
      { token },
    );
    expect(far.status).toBe(200);
  });
});
