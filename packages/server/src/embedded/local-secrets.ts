import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * On the embedded default nobody configured secrets, so they are generated
 * once and kept beside the data (mode 600), stable across restarts.
 */
export function localSecret(stateDir: string, name: string, bytes = 32): string {
  const file = path.join(stateDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(stateDir, { recursive: true });
  const value = randomBytes(bytes).toString('base64url');
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}
