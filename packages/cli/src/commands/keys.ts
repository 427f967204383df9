import { Command, Option } from 'commander';
import type { ApiKey } from '../admin-client.js';
import { AdminClient } from '../admin-client.js';
import type { CliIo } from '../io.js';
import { createPrinter } from '../output/printer.js';
import { renderTable, shortDate } from '../output/table.js';
import { collect, globals } from './options.js';

function status(k: ApiKey): string {
  return k.revokedAt ? `revoked ${shortDate(k.revokedAt)}` : 'active';
}

/** The full key exists only in this answer, so it gets a line of its own and a warning. */
function showNewKey(k: ApiKey & { key: string }): string {
  const lines = [
    `Created ${k.type} key ${k.id} for tenant ${k.tenantId}.`,
    '',
    `  ${k.key}`,
    '',
    'Copy it now: Parley stores only a hash and cannot show this key again.',
  ];
  if (k.type === 'secret')
    lines.push('Keep it on your servers; never put a secret key in a browser.');
  else lines.push(`Works only from: ${k.allowedOrigins.join(', ')}`);
  return lines.join('\n') + '\n';
}

export function keysCommand(io: CliIo): Command {
  const keys = new Command('keys').description("manage a tenant's API keys");
  const tenantOption = (): Option =>
    new Option('--tenant <tenantId>', 'the tenant the keys belong to').makeOptionMandatory();

  keys
    .command('create')
    .description('create a secret (sk_) or publishable (pk_) key; shown once')
    .addOption(tenantOption())
    .addOption(
      new Option('--type <type>', 'secret: server-to-server; publishable: browsers')
        .choices(['secret', 'publishable'])
        .default('secret'),
    )
    .option('--name <name>', 'a label to recognise the key by')
    .option('--origin <origin>', 'allowed origin for a publishable key (repeatable)', collect)
    .action(
      async (
        flags: { tenant: string; type: 'secret' | 'publishable'; name?: string; origin?: string[] },
        cmd: Command,
      ) => {
        const g = globals(cmd);
        const key = await AdminClient.fromOptions(g, io).createKey(flags.tenant, {
          type: flags.type,
          ...(flags.name ? { name: flags.name } : {}),
          ...(flags.origin?.length ? { allowedOrigins: flags.origin } : {}),
        });
        createPrinter(io, Boolean(g.json)).result(key, () => showNewKey(key));
      },
    );

  keys
    .command('list')
    .description("list a tenant's keys (prefixes only; keys are stored hashed)")
    .addOption(tenantOption())
    .action(async (flags: { tenant: string }, cmd: Command) => {
      const g = globals(cmd);
      const page = await AdminClient.fromOptions(g, io).listKeys(flags.tenant);
      createPrinter(io, Boolean(g.json)).result(page, () =>
        page.data.length === 0
          ? `No keys yet. Create one: parley keys create --tenant ${flags.tenant}\n`
          : renderTable(
              ['ID', 'TYPE', 'PREFIX', 'NAME', 'ORIGINS', 'CREATED', 'LAST USED', 'STATUS'],
              page.data.map((k) => [
                k.id,
                k.type,
                `${k.prefix}…`,
                k.name ?? '-',
                k.allowedOrigins.join(',') || '-',
                shortDate(k.createdAt),
                shortDate(k.lastUsedAt),
                status(k),
              ]),
            ),
      );
    });

  keys
    .command('revoke')
    .description('revoke a key; it stops working at once')
    .addOption(tenantOption())
    .argument('<keyId>')
    .action(async (keyId: string, flags: { tenant: string }, cmd: Command) => {
      const g = globals(cmd);
      const key = await AdminClient.fromOptions(g, io).revokeKey(flags.tenant, keyId);
      createPrinter(io, Boolean(g.json)).result(
        key,
        () => `Revoked ${key.type} key ${key.prefix}… (${key.id}).\n`,
      );
    });

  return keys;
}
