import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { DomainError } from '../../errors/domain-error.js';
import { tooLarge } from './body-errors.js';

type Decoder = (input: Buffer, opts: { maxOutputLength: number }) => Promise<Buffer>;

const DECODERS: Record<string, Decoder> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

/**
 * Undoes the request's Content-Encoding (one of gzip, deflate, br) with a cap
 * on the DECODED size: zlib stops at `limitBytes`, so a small zip bomb costs
 * at most that much memory and is refused with 413. Anything else (unknown or
 * stacked codings) is a 415: never read compressed bytes as JSON.
 */
export async function decodeBody(
  raw: Buffer,
  contentEncoding: string,
  limitBytes: number,
): Promise<Buffer> {
  const coding = contentEncoding.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return raw;
  const decode = DECODERS[coding];
  if (!decode) {
    throw new DomainError(
      'unsupported_media_type',
      `Content-Encoding ${JSON.stringify(contentEncoding)} is not supported; send identity, gzip, deflate or br`,
      { reason: 'unsupported_content_encoding' },
    );
  }
  try {
    return await decode(raw, { maxOutputLength: limitBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limitBytes);
    throw new DomainError('invalid_request', `Request body is not valid ${coding} data`, {
      reason: 'malformed_encoding',
    });
  }
}
