import type { Knex } from 'knex';

/** Embedding width is chosen per deployment (knex userParams), default 512. */
function dims(knex: Knex): number {
  const d = Number(
    (knex as Knex & { userParams?: { embeddingDimensions?: number } }).userParams
      ?.embeddingDimensions ?? 512,
  );
  if (!Number.isInteger(d) || d < 1 || d > 2000)
    throw new Error(`invalid embedding dimensions: ${d}`);
  return d;
}

export async function up(knex: Knex): Promise<void> {
  const d = dims(knex);
  await knex.raw('create extension if not exists vector');

  await knex.schema.createTable('tenants', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.timestamps(true, true);
  });

  await knex.schema.createTable('api_keys', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.text('type').notNullable().checkIn(['secret', 'publishable']);
    t.text('name');
    t.text('prefix').notNullable(); // first characters, for humans to recognise a key
    t.text('key_hash').notNullable().unique();
    t.jsonb('allowed_origins').notNullable().defaultTo('[]');
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['tenant_id', 'created_at']);
  });

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.text('external_id');
    t.boolean('anonymous').notNullable().defaultTo(false);
    t.text('name');
    t.text('email');
    t.text('password_hash');
    t.jsonb('traits').notNullable().defaultTo('{}');
    t.uuid('merged_into').references('users.id').onDelete('SET NULL');
    t.timestamps(true, true);
    t.timestamp('last_seen_at', { useTz: true });
  });
  await knex.raw(
    'create unique index users_tenant_external_uq on users (tenant_id, external_id) where external_id is not null',
  );
  await knex.raw(
    'create unique index users_tenant_email_uq on users (tenant_id, lower(email)) where email is not null',
  );

  await knex.schema.createTable('sessions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('family_id').notNullable();
    t.text('token_hash').notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }); // set when rotated; a second use is reuse
    t.timestamp('revoked_at', { useTz: true });
    t.text('user_agent');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['family_id']);
    t.index(['tenant_id', 'user_id']);
  });

  await knex.schema.createTable('preferences', (t) => {
    t.uuid('user_id').primary().references('users.id').onDelete('CASCADE');
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.text('timezone');
    t.text('locale');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['tenant_id']);
  });

  await knex.schema.createTable('conversations', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('title');
    t.bigInteger('last_seq').notNullable().defaultTo(0);
    t.jsonb('metadata').notNullable().defaultTo('{}');
    t.timestamps(true, true);
  });
  // Listing a user's conversations newest first, keyset-paginated.
  await knex.raw(
    'create index conversations_owner_recent_idx on conversations (tenant_id, user_id, updated_at desc, id desc)',
  );

  await knex.schema.createTable('messages', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE');
    t.text('role').notNullable().checkIn(['user', 'assistant', 'tool', 'system']);
    t.text('content').notNullable().defaultTo('');
    t.text('status')
      .notNullable()
      .defaultTo('complete')
      .checkIn(['complete', 'incomplete', 'failed']);
    t.bigInteger('seq').notNullable();
    t.text('client_message_id');
    t.text('provider');
    t.text('model');
    t.boolean('offline').notNullable().defaultTo(false);
    t.integer('input_tokens');
    t.integer('output_tokens');
    t.decimal('cost_usd', 14, 8);
    t.jsonb('tool_calls');
    t.text('tool_call_id');
    t.jsonb('metadata').notNullable().defaultTo('{}');
    t.specificType('embedding', `vector(${d})`);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['conversation_id', 'seq']);
    t.index(['tenant_id', 'user_id', 'created_at']);
  });
  await knex.raw(
    "alter table messages add column content_tsv tsvector generated always as (to_tsvector('simple', content)) stored",
  );
  await knex.raw('create index messages_content_tsv_idx on messages using gin (content_tsv)');
  await knex.raw(
    'create index messages_embedding_hnsw_idx on messages using hnsw (embedding vector_cosine_ops)',
  );
  await knex.raw(
    'create unique index messages_client_id_uq on messages (conversation_id, client_message_id) where client_message_id is not null',
  );

  await knex.schema.createTable('memories', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('text').notNullable();
    t.text('kind').notNullable().defaultTo('fact');
    t.specificType('embedding', `vector(${d})`);
    t.specificType('importance', 'real').notNullable().defaultTo(0.5);
    t.integer('access_count').notNullable().defaultTo(0);
    t.timestamp('last_accessed_at', { useTz: true });
    t.jsonb('source_message_ids').notNullable().defaultTo('[]');
    t.uuid('superseded_by').references('memories.id').onDelete('SET NULL');
    t.timestamp('invalidated_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.timestamps(true, true);
    t.index(['tenant_id', 'user_id']);
  });
  await knex.raw(
    "alter table memories add column text_tsv tsvector generated always as (to_tsvector('simple', text)) stored",
  );
  await knex.raw('create index memories_text_tsv_idx on memories using gin (text_tsv)');
  await knex.raw(
    'create index memories_embedding_hnsw_idx on memories using hnsw (embedding vector_cosine_ops)',
  );

  await knex.schema.createTable('tools', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('kind').notNullable().defaultTo('builtin');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.jsonb('config').notNullable().defaultTo('{}');
    t.timestamps(true, true);
    t.unique(['tenant_id', 'name']);
  });

  await knex.schema.createTable('tool_executions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('conversation_id').references('conversations.id').onDelete('CASCADE');
    t.uuid('message_id').references('messages.id').onDelete('SET NULL');
    t.text('tool_call_id').notNullable();
    t.text('name').notNullable();
    t.jsonb('args');
    t.jsonb('result');
    t.text('status').notNullable().checkIn(['ok', 'error', 'timeout', 'denied', 'cancelled']);
    t.text('error');
    t.integer('duration_ms').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['tenant_id', 'user_id', 'created_at']);
    t.index(['conversation_id']);
  });

  await knex.schema.createTable('uploaded_files', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('conversation_id').references('conversations.id').onDelete('SET NULL');
    t.text('filename').notNullable();
    t.text('mime_type').notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.text('sha256').notNullable();
    t.text('storage_key').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['tenant_id', 'user_id']);
  });

  await knex.schema.createTable('analytics_events', (t) => {
    t.bigIncrements('id');
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.uuid('user_id').references('users.id').onDelete('CASCADE');
    t.text('type').notNullable();
    t.jsonb('properties').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['tenant_id', 'created_at']);
  });

  await knex.schema.createTable('usage', (t) => {
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.date('day').notNullable();
    t.integer('messages').notNullable().defaultTo(0);
    t.bigInteger('input_tokens').notNullable().defaultTo(0);
    t.bigInteger('output_tokens').notNullable().defaultTo(0);
    t.decimal('cost_usd', 14, 8).notNullable().defaultTo(0);
    t.primary(['tenant_id', 'user_id', 'day']);
    t.index(['tenant_id', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'usage',
    'analytics_events',
    'uploaded_files',
    'tool_executions',
    'tools',
    'memories',
    'messages',
    'conversations',
    'preferences',
    'sessions',
    'users',
    'api_keys',
    'tenants',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
