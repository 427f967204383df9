import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/connect.js';
import { openTestDatabase } from '../../test/helpers/test-db.js';
import { checkEmbeddingDimensions } from './check-dimensions.js';
import { HashingEmbedder } from './hashing-embedder.js';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase(); // migrated with the default width, 512
});
afterAll(() => db.close());

describe('checkEmbeddingDimensions', () => {
  it('accepts an embedder as wide as the columns', async () => {
    await expect(
      checkEmbeddingDimensions(db.knex, new HashingEmbedder(512)),
    ).resolves.toBeUndefined();
  });

  it('refuses to start with a different width and says how to fix it', async () => {
    await expect(checkEmbeddingDimensions(db.knex, new HashingEmbedder(256))).rejects.toThrow(
      /hashing-v1 produces 256-dimensional vectors but (memories|messages)\.embedding is vector\(512\)\. Set PARLEY_EMBEDDING_DIMENSIONS=512/,
    );
  });
});
