import { Command } from 'commander';
import type { Tenant } from '../admin-client.js';
import { AdminClient } from '../admin-client.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { createPrinter } from '../output/printer.js';
import { renderRecord, renderTable, shortDate } from '../output/table.js';
import { collect, globals, jsonObject, positiveInt } from './options.js';

const MAX_PAGES = 1000; // --all stops here even if a server keeps sending cursors

interface SettingsFlags {
  settings?: Record<string, unknown>;
  persona?: string;
  model?: string[];
}

/** `--settings` is the whole object; `--persona` / `--model` are applied on top of it. */
function settingsFrom(
  flags: SettingsFlags,
  base: Record<string, unknown>,
): Record<string, unknown> {
  const settings = { ...(flags.settings ?? base) };
  if (flags.persona !== undefined) settings.persona = flags.persona;
  if (flags.model?.length) settings.models = flags.model;
  return settings;
}

function withSettingsFlags(cmd: Command): Command {
  return cmd
    .option('--persona <text>', 'system prompt: who the agent is for this product')
    .option('--model <provider:model>', 'model, in failover order (repeatable)', collect)
    .option('--settings <json>', 'the whole settings object as JSON', jsonObject);
}

function showTenant(t: Tenant): string {
  return (
    renderRecord([
      ['ID', t.id],
      ['Name', t.name],
      ['Created', shortDate(t.createdAt)],
    ]) + `Settings:\n${JSON.stringify(t.settings ?? {}, null, 2).replace(/^/gm, '  ')}\n`
  );
}

export function tenantsCommand(io: CliIo): Command {
  const tenants = new Command('tenants').description('create, list, inspect and update tenants');

  withSettingsFlags(
    tenants.command('create').description('create a tenant').argument('<name>', 'display name'),
  ).action(async (name: string, flags: SettingsFlags, cmd: Command) => {
    const g = globals(cmd);
    const tenant = await AdminClient.fromOptions(g, io).createTenant({
      name,
      settings: settingsFrom(flags, {}),
    });
    const out = createPrinter(io, Boolean(g.json));
    out.result(tenant, () => showTenant(tenant));
    out.note(`Next: parley keys create --tenant ${tenant.id} --type secret`);
  });

  tenants
    .command('list')
    .description('list tenants, newest first')
    .option('--limit <n>', 'tenants per page (1-100)', positiveInt(100), 20)
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'fetch every page')
    .action(async (flags: { limit: number; cursor?: string; all?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const client = AdminClient.fromOptions(g, io);
      const data: Tenant[] = [];
      let cursor: string | null = flags.cursor ?? null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await client.listTenants({ limit: flags.limit, cursor });
        data.push(...res.data);
        cursor = res.nextCursor;
        if (!flags.all || !cursor) break;
      }
      const out = createPrinter(io, Boolean(g.json));
      out.result({ data, nextCursor: cursor }, () =>
        data.length === 0
          ? 'No tenants yet. Create one: parley tenants create <name>\n'
          : renderTable(
              ['ID', 'NAME', 'CREATED'],
              data.map((t) => [t.id, t.name, shortDate(t.createdAt)]),
            ),
      );
      if (cursor) out.note(`More: parley tenants list --cursor ${cursor}`);
    });

  tenants
    .command('get')
    .description('show one tenant with its settings')
    .argument('<tenantId>')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const g = globals(cmd);
      const tenant = await AdminClient.fromOptions(g, io).getTenant(id);
      createPrinter(io, Boolean(g.json)).result(tenant, () => showTenant(tenant));
    });

  withSettingsFlags(
    tenants
      .command('update')
      .description('rename a tenant or change its settings')
      .argument('<tenantId>')
      .option('--name <name>', 'new display name'),
  ).action(async (id: string, flags: SettingsFlags & { name?: string }, cmd: Command) => {
    const g = globals(cmd);
    const changesSettings = Boolean(flags.settings || flags.persona !== undefined || flags.model);
    if (flags.name === undefined && !changesSettings) {
      throw new UsageError('nothing to update: pass --name, --persona, --model or --settings');
    }
    const client = AdminClient.fromOptions(g, io);
    // --settings replaces the whole object (PUT); --persona / --model alone change only
    // their keys, which the server merges into the current settings (PATCH).
    let tenant = flags.settings
      ? await client.replaceTenantSettings(id, settingsFrom(flags, {}))
      : null;
    if (flags.name !== undefined || (changesSettings && !flags.settings)) {
      tenant = await client.updateTenant(id, {
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(changesSettings && !flags.settings ? { settings: settingsFrom(flags, {}) } : {}),
      });
    }
    const shown = tenant!;
    createPrinter(io, Boolean(g.json)).result(shown, () => showTenant(shown));
  });

  return tenants;
}
