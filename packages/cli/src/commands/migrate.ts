import { Command } from 'commander';
import type { Knex } from 'knex';
import type { CliIo } from '../io.js';
import { createPrinter } from '../output/printer.js';
import { createProgress } from '../output/progress.js';
import { databaseError, databaseTarget } from './database-target.js';
import { globals } from './options.js';

type Source = Knex.MigrationSource<unknown>;

/** Wraps each migration so the command can report it as it runs (knex has no per-migration hook). */
function reporting(
  source: Source,
  hooks: { begin(name: string): void; done(name: string, ms: number): void },
): Source {
  const timed =
    (name: string, fn: (k: Knex) => PromiseLike<unknown>) =>
    async (knex: Knex): Promise<void> => {
      hooks.begin(name);
      const started = performance.now();
      await fn(knex);
      hooks.done(name, performance.now() - started);
    };
  return {
    getMigrations: (exts) => source.getMigrations(exts),
    getMigrationName: (m) => source.getMigrationName(m),
    async getMigration(m) {
      const migration = await source.getMigration(m);
      const name = source.getMigrationName(m);
      return {
        ...migration,
        up: timed(name, migration.up),
        ...(migration.down ? { down: timed(name, migration.down) } : {}),
      };
    },
  };
}

/** knex prints connection failures with a stack; the command reports them on one line instead. */
function quietConnectionWarnings(knex: Knex): void {
  const logger = (knex.client as { logger: { warn(message: unknown): void } }).logger;
  const warn = logger.warn.bind(logger);
  logger.warn = (message) => {
    if (!String(message).startsWith('Acquire connection error')) warn(message);
  };
}

export function migrateCommand(io: CliIo): Command {
  return new Command('migrate')
    .description('apply pending migrations (DATABASE_URL, else the embedded ./.parley/data)')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL)')
    .option('--rollback', 'undo the last batch of migrations')
    .option('--all', 'with --rollback: undo every migration')
    .addHelpText(
      'after',
      '\nStop an embedded `parley serve` first: PGlite allows one process per data dir.',
    )
    .action(
      async (flags: { databaseUrl?: string; rollback?: boolean; all?: boolean }, cmd: Command) => {
        const out = createPrinter(io, Boolean(globals(cmd).json));
        const target = databaseTarget(flags.databaseUrl, io);
        const { openDatabase } = await import('@parley/server');
        const db = await openDatabase(
          target.kind === 'postgres'
            ? { url: target.url, dataDir: null, pool: { min: 0, max: 2 } }
            : { url: null, dataDir: target.dataDir },
        ).catch((err: unknown) => {
          throw databaseError(err, target);
        });
        quietConnectionWarnings(db.knex);
        try {
          const original = (db.knex.client.config as Knex.Config).migrations!.migrationSource!;
          const [completed, pending] = (await db.knex.migrate.list()) as [unknown[], unknown[]];
          const total = flags.rollback ? completed.length : pending.length;
          const verb = flags.rollback ? 'Rolling back' : 'Migrating';
          out.note(`${verb} ${target.label}`);
          const progress = createProgress(io, total, verb, out.json);
          const arrow = flags.rollback ? '↓' : '↑';
          const ran: string[] = [];
          const migrationSource = reporting(original, {
            begin: (name) => progress.begin(name),
            done(name, ms) {
              ran.push(name);
              progress.done(`  ${arrow} ${name}  ${Math.round(ms)} ms`);
            },
          });
          try {
            if (flags.rollback)
              await db.knex.migrate.rollback({ migrationSource }, Boolean(flags.all));
            else await db.knex.migrate.latest({ migrationSource });
          } finally {
            progress.stop();
          }
          const summary = flags.rollback
            ? ran.length
              ? `Rolled back ${ran.length} migration${ran.length === 1 ? '' : 's'}.\n`
              : 'Nothing to roll back.\n'
            : ran.length
              ? `Applied ${ran.length} migration${ran.length === 1 ? '' : 's'}; the database is up to date.\n`
              : 'Already up to date.\n';
          out.result(
            {
              database: target.kind,
              [flags.rollback ? 'rolledBack' : 'applied']: ran,
            },
            () => summary,
          );
        } catch (err) {
          throw databaseError(err, target);
        } finally {
          await db.close();
        }
      },
    );
}
