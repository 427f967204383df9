import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClientOptions } from '@parley/sdk';
import { AdminClient } from '../admin-client.js';
import type { TargetOptions } from '../config.js';
import { embeddedStateDir } from '../config.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

export interface ChatFlags extends TargetOptions {
  key?: string;
  user?: string;
  origin?: string;
  tenant?: string;
}

/** Who the chat speaks as: SDK auth options, a label for the banner, and how to clean up. */
export interface ChatIdentity {
  auth: Pick<ClientOptions, 'fetch'> &
    ({ publishableKey: string } | { secretKey: string; externalUserId?: string });
  label: string;
  /**
   * Runs when the chat ends (revokes a temporary key). Not sooner: revoking a
   * secret key ends the sessions it started.
   */
  release(): Promise<void>;
}

/** A Node client has no Origin of its own; a publishable key needs one it allows. */
function withOrigin(origin: string, base: typeof fetch): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('origin', origin);
    return base(input, { ...init, headers });
  };
}

function publishable(key: string, origin: string, io: CliIo, label: string): ChatIdentity {
  return {
    auth: { publishableKey: key, fetch: withOrigin(origin, io.fetch ?? fetch) },
    label: `${label}, anonymous visitor from ${origin}`,
    release: async () => {},
  };
}

/**
 * `--key pk_…|sk_…` (tenant key), else `--tenant <id>` (the admin mints a
 * temporary secret key, starts the session, and revokes the key when the chat ends),
 * else the embedded server's demo key from ./.parley/demo.json.
 */
export async function resolveChatIdentity(
  flags: ChatFlags,
  io: CliIo,
  baseUrl: string,
): Promise<ChatIdentity> {
  const key = flags.key?.trim() || io.env.PARLEY_KEY?.trim();
  const origin = flags.origin ?? new URL(baseUrl).origin;
  if (key?.startsWith('pk_')) {
    if (flags.user)
      throw new UsageError('--user needs a secret key (sk_…); a pk_ key starts anonymous sessions');
    return publishable(key, origin, io, `key ${key.slice(0, 12)}…`);
  }
  if (key?.startsWith('sk_')) {
    return {
      auth: {
        secretKey: key,
        ...(flags.user ? { externalUserId: flags.user } : {}),
        fetch: io.fetch ?? fetch,
      },
      label: `key ${key.slice(0, 12)}…, ${flags.user ? `user "${flags.user}"` : 'anonymous user'}`,
      release: async () => {},
    };
  }
  if (key) throw new UsageError('--key must be a publishable (pk_…) or secret (sk_…) key');
  if (flags.tenant) {
    const admin = AdminClient.fromOptions(flags, io);
    const user = flags.user ?? 'parley-cli';
    const temp = await admin.createKey(flags.tenant, {
      type: 'secret',
      name: 'parley chat (temporary)',
    });
    return {
      auth: { secretKey: temp.key, externalUserId: user, fetch: io.fetch ?? fetch },
      label: `tenant ${flags.tenant}, user "${user}" (minted with the admin token)`,
      release: async () => {
        await admin.revokeKey(flags.tenant!, temp.id);
      },
    };
  }
  const demoFile = path.join(embeddedStateDir(io), 'demo.json');
  if (existsSync(demoFile)) {
    const demo = JSON.parse(readFileSync(demoFile, 'utf8')) as { publishableKey?: string };
    if (demo.publishableKey) return publishable(demo.publishableKey, origin, io, 'the demo key');
  }
  throw new UsageError(
    'who should chat? pass --key pk_…/sk_… (a tenant key) or --tenant <id> (uses the admin token)',
  );
}
