import pino from 'pino';
import type { Logger } from 'pino';

/** Paths pino blanks out wherever they appear: no secret reaches a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.authorization',
  '*.apiKey',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.key',
  '*.secret',
  'config.jwtSecret',
  'config.adminToken',
  'config.openaiApiKey',
  'config.anthropicApiKey',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'parley' } },
    destination,
  );
}
