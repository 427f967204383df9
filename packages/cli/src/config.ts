import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.js';
import type { CliIo } from './io.js';

export const DEFAULT_URL = 'http://localhost:3000';

/** Options every command that talks to a server accepts (global flags). */
export interface TargetOptions {
  url?: string;
  adminToken?: string;
}

/** `--url`, then PARLEY_URL, then the embedded default. Always without a trailing slash. */
export function resolveServerUrl(opts: TargetOptions, io: CliIo): string {
  const raw = opts.url?.trim() || io.env.PARLEY_URL?.trim() || DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`server URL "${raw}" is not a valid URL (from --url or PARLEY_URL)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`server URL "${raw}" must start with http:// or https://`);
  }
  return raw.replace(/\/+$/, '');
}

/** Where the embedded server keeps its generated secrets (beside `.parley/data`). */
export function embeddedStateDir(io: CliIo): string {
  const dataDir = path.resolve(io.cwd, io.env.PARLEY_DATA_DIR?.trim() || '.parley/data');
  return path.dirname(dataDir);
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/**
 * `--admin-token`, then PARLEY_ADMIN_TOKEN, then (for a server on this
 * machine) the token the embedded default generated in ./.parley/admin-token.
 */
export function resolveAdminToken(opts: TargetOptions, io: CliIo, url: string): string {
  const given = opts.adminToken?.trim() || io.env.PARLEY_ADMIN_TOKEN?.trim();
  if (given) return given;
  const file = path.join(embeddedStateDir(io), 'admin-token');
  if (isLoopback(url) && existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token) return token;
  }
  throw new ConfigError(
    'no admin token: pass --admin-token or set PARLEY_ADMIN_TOKEN' +
      (isLoopback(url) ? ` (no embedded token found at ${file})` : ''),
  );
}
