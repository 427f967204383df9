import type { Context, Middleware } from 'koa';
import { DomainError, invalid } from '../../errors/domain-error.js';
import { decodeBody } from './body-encoding.js';
import { tooLarge } from './body-errors.js';
import { scanJson } from './json-shape.js';
import { findUnstorableValue } from './json-values.js';

/** Deepest nesting of objects and arrays a body may have (settings need about 4). */
export const MAX_JSON_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a JSON body with hard limits, before any handler runs, so a refused
 * body stores nothing: size (also after decoding gzip/deflate/br), media type
 * and charset (415), UTF-8, nesting depth and duplicate keys (scanned in the
 * raw text, before parsing), syntax, then values PostgreSQL cannot store.
 */
export function jsonBody(limitBytes: number): Middleware {
  return async (ctx, next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(ctx.method)) return next();
    const raw = await readRaw(ctx, limitBytes);
    if (raw.length === 0) {
      ctx.request.body = {};
      return next();
    }
    assertJsonMediaType(ctx);
    const decoded = await decodeBody(raw, ctx.get('content-encoding'), limitBytes);
    ctx.request.body = parseJson(decoded);
    return next();
  };
}

async function readRaw(ctx: Context, limitBytes: number): Promise<Buffer> {
  const length = Number(ctx.get('content-length') || 0);
  if (length > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function assertJsonMediaType(ctx: Context): void {
  if (!ctx.is('application/json')) {
    throw new DomainError('unsupported_media_type', 'Content-Type must be application/json', {
      reason: 'unsupported_media_type',
    });
  }
  const charset = ctx.request.charset.toLowerCase();
  if (charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
    throw new DomainError('unsupported_media_type', 'JSON bodies must be UTF-8', {
      reason: 'unsupported_charset',
      charset,
    });
  }
}

/** Parses the body text, refusing what would fail (or be altered) further down as a 400. */
export function parseJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalid('Request body is not valid UTF-8', { reason: 'malformed_utf8' });
  }
  const shape = scanJson(text, MAX_JSON_DEPTH);
  if (shape?.reason === 'too_deep') {
    throw invalid(`JSON is nested deeper than ${MAX_JSON_DEPTH} levels`, shape);
  }
  if (shape?.reason === 'duplicate_key') {
    throw invalid(`JSON key ${shape.path} is given more than once`, shape);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid('Request body is not valid JSON', {
      reason: 'malformed_json',
      parser: (err as Error).message,
    });
  }
  const bad = findUnstorableValue(value);
  if (bad) {
    const path = printable(bad.path);
    throw invalid(`${describe(bad.reason)} at ${path}`, { ...bad, path });
  }
  return value;
}

function describe(reason: 'nul_character' | 'number_out_of_range' | 'forbidden_key'): string {
  switch (reason) {
    case 'nul_character':
      return 'NUL characters (\\u0000) are not allowed';
    case 'number_out_of_range':
      return 'Number out of range (at most 2^53 - 1 in magnitude)';
    case 'forbidden_key':
      return 'The key __proto__ is not allowed';
  }
}

/** A path with its NUL characters spelled out, so the message reads (and logs) cleanly. */
function printable(path: string): string {
  return path.replace(/\u0000/g, '\\u0000');
}
