import type { Knex } from 'knex';
import type { Embedder } from './embedder.js';

/**
 * Fails start-up when the embedder's width differs from the `vector(d)`
 * columns, instead of failing every insert later with a cryptic error.
 */
export async function checkEmbeddingDimensions(knex: Knex, embedder: Embedder): Promise<void> {
  const { rows } = (await knex.raw(
    `select c.relname as table, format_type(a.atttypid, a.atttypmod) as type
       from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relname in ('memories', 'messages') and c.relkind = 'r'
        and a.attname = 'embedding' and not a.attisdropped
        and pg_table_is_visible(c.oid)`,
  )) as { rows: { table: string; type: string }[] };
  if (rows.length === 0) throw new Error('memories.embedding is missing: run the migrations first');
  for (const r of rows) {
    const d = Number(/^vector\((\d+)\)$/.exec(r.type)?.[1]);
    if (d !== embedder.dimensions) {
      throw new Error(
        `Embedding dimension mismatch: the embedder ${embedder.id} produces ${embedder.dimensions}-dimensional vectors ` +
          `but ${r.table}.embedding is ${r.type}. Set PARLEY_EMBEDDING_DIMENSIONS=${Number.isFinite(d) ? d : '<column width>'} ` +
          `(or migrate a new database with the width you want).`,
      );
    }
  }
}
