import type { Owner } from '../db/scoped.js';
import { invalid } from '../errors/domain-error.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import { authErrors, invalidError, notFoundError, page } from '../http/schemas/common.js';
import { memoryExample, memorySchema } from '../http/schemas/memory.js';
import { MEMORY_KINDS } from '../memory/memory-policy.js';
import type { MemoryPatch, UserMemoryStore } from '../stores/user-memory-store.js';

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 500 },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', maxLength: 200 },
  },
};
const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    text: { type: 'string', minLength: 1, maxLength: 1000, pattern: '\\S' },
    kind: { enum: MEMORY_KINDS },
    importance: { type: 'number', minimum: 0, maximum: 1 },
  },
};
const forgottenSchema = {
  type: 'object',
  required: ['deleted'],
  properties: {
    deleted: {
      type: 'object',
      required: ['memories', 'messageEmbeddings'],
      properties: {
        memories: { type: 'integer', minimum: 0 },
        messageEmbeddings: { type: 'integer', minimum: 0 },
      },
    },
  },
};

const tags = ['memories'];

/** What the agent remembers about the signed-in user: list, search, edit, delete. */
export function memoryRoutes(deps: { memories(owner: Owner): UserMemoryStore }): AnyRoute[] {
  const store = (ctx: { state: { user?: Owner } }) => deps.memories(ctx.state.user!);
  return [
    defineRoute<undefined, { q?: string; limit: number; cursor?: string }>({
      method: 'GET',
      path: '/v1/memories',
      auth: 'user',
      summary:
        'Current memories, newest first; with q, the best matches by meaning and words (one page)',
      tags,
      query: listQuery,
      responses: {
        200: {
          description: 'A page of memories',
          schema: page(memorySchema),
          example: { data: [memoryExample], nextCursor: null },
        },
        ...invalidError,
        ...authErrors,
      },
      async handler(ctx, { query }) {
        if (query.q === undefined) {
          ctx.body = await store(ctx).list(query);
          return;
        }
        if (query.cursor) throw invalid('A search returns one page: drop cursor or q');
        ctx.body = await store(ctx).search(query.q, query.limit);
      },
    }),
    defineRoute<MemoryPatch, undefined, { id: string }>({
      method: 'PATCH',
      path: '/v1/memories/:id',
      auth: 'user',
      resource: 'Memory',
      summary: 'Correct a memory: its text (re-embedded), kind or importance',
      tags,
      body: patchBody,
      responses: {
        200: { description: 'The memory', schema: memorySchema, example: memoryExample },
        ...invalidError,
        ...notFoundError,
        ...authErrors,
      },
      async handler(ctx, { body, params }) {
        ctx.body = await store(ctx).update(params.id, body);
      },
    }),
    defineRoute<undefined, undefined, { id: string }>({
      method: 'DELETE',
      path: '/v1/memories/:id',
      auth: 'user',
      resource: 'Memory',
      summary: 'Forget one memory and the older versions it replaced',
      tags,
      responses: { 204: { description: 'Forgotten' }, ...notFoundError, ...authErrors },
      async handler(ctx, { params }) {
        await store(ctx).remove(params.id);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/memories',
      auth: 'user',
      summary:
        'Forget everything: every memory (history too) and the message embeddings recall uses; conversations stay',
      tags,
      responses: {
        200: {
          description: 'What was deleted',
          schema: forgottenSchema,
          example: { deleted: { memories: 12, messageEmbeddings: 38 } },
        },
        ...authErrors,
      },
      async handler(ctx) {
        ctx.body = { deleted: await store(ctx).forgetAll() };
      },
    }),
  ];
}
