import type { Knex } from 'knex';

/**
 * Answers of any length are stored: the search vector of a message is built
 * from its first 100,000 characters only (PostgreSQL refuses a tsvector
 * over 1 MB, which made a ~1 MB answer fail to save). The full text is kept;
 * what recall can find is bounded, as it should be.
 */
const OWNER = `array_to_tsvector(array['u' || replace(user_id::text, '-', '')])`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists messages_search_tsv_idx');
  await knex.raw('alter table messages drop column if exists search_tsv');
  await knex.raw(
    `alter table messages add column search_tsv tsvector generated always as
       (to_tsvector('english', left(content, 100000)) || ${OWNER}) stored`,
  );
  await knex.raw('create index messages_search_tsv_idx on messages using gin (search_tsv)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists messages_search_tsv_idx');
  await knex.raw('alter table messages drop column if exists search_tsv');
  await knex.raw(
    `alter table messages add column search_tsv tsvector generated always as
       (to_tsvector('english', content) || ${OWNER}) stored`,
  );
  await knex.raw('create index messages_search_tsv_idx on messages using gin (search_tsv)');
}
