import type { Knex } from 'knex';

/**
 * Lexical recall with term rarity (packages/server/src/memory/search/).
 *
 * `search_tsv` replaces the `simple` tsvectors: English stemming and stop
 * words ("lives", "living" → live; "the" dropped), plus one marker lexeme per
 * row naming its owner (`u` + the user id's hex). A search ANDs the marker
 * with each query term, so the GIN index answers "this user's rows with this
 * term" by intersecting two posting lists: per-user document frequencies and
 * candidates without scanning the user's rows and without btree_gin (PGlite
 * ships only pgvector). The marker is a lexeme without a position, so it
 * never matches a word anyone typed.
 */
const OWNER = `array_to_tsvector(array['u' || replace(user_id::text, '-', '')])`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists messages_content_tsv_idx');
  await knex.raw('alter table messages drop column if exists content_tsv');
  await knex.raw(
    `alter table messages add column search_tsv tsvector generated always as
       (to_tsvector('english', content) || ${OWNER}) stored`,
  );
  await knex.raw('create index messages_search_tsv_idx on messages using gin (search_tsv)');

  await knex.raw('drop index if exists memories_text_tsv_idx');
  await knex.raw('alter table memories drop column if exists text_tsv');
  await knex.raw(
    `alter table memories add column search_tsv tsvector generated always as
       (to_tsvector('english', text) || ${OWNER}) stored`,
  );
  await knex.raw('create index memories_search_tsv_idx on memories using gin (search_tsv)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists memories_search_tsv_idx');
  await knex.raw('alter table memories drop column if exists search_tsv');
  await knex.raw(
    "alter table memories add column text_tsv tsvector generated always as (to_tsvector('simple', text)) stored",
  );
  await knex.raw('create index memories_text_tsv_idx on memories using gin (text_tsv)');

  await knex.raw('drop index if exists messages_search_tsv_idx');
  await knex.raw('alter table messages drop column if exists search_tsv');
  await knex.raw(
    "alter table messages add column content_tsv tsvector generated always as (to_tsvector('simple', content)) stored",
  );
  await knex.raw('create index messages_content_tsv_idx on messages using gin (content_tsv)');
}
