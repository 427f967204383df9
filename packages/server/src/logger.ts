import pino from 'pino';
import type { Logger } from 'pino';

/** Paths pino blanks out wherever they appear: no secret reaches a log line. */
const REDACT = [
  'authorization',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'identityToken',
  'secret',
  'apiKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.authorization',
  '*.apiKey',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.key',
  '*.secret',
  '*.password',
  '*.passwordHash',
  '*.password_hash',
  '*.identityToken',
  '*.secretKey',
  '*.publishableKey',
  '*.secret_sealed',
  '*.*.authorization',
  '*.*.password',
  '*.*.token',
  '*.*.accessToken',
  '*.*.refreshToken',
  '*.*.identityToken',
  '*.*.secret',
  '*["sec-websocket-protocol"]',
  '*.*["sec-websocket-protocol"]',
  'config.jwtSecret',
  'config.jwtPreviousSecrets',
  'config.adminToken',
  'config.openaiApiKey',
  'config.anthropicApiKey',
];

/**
 * JSON lines to stdout. Writes are buffered (4 KiB) and asynchronous: a
 * synchronous write per log line was a measurable share of a turn's CPU.
 * pino flushes the buffer when the process exits.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'parley' } },
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 }),
  );
}
