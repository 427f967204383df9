import type { Owner } from '../db/scoped.js';
import type { AnyRoute } from '../http/routing/route.js';
import { defineRoute } from '../http/routing/route.js';
import {
  authErrors,
  invalidError,
  notFoundError,
  page,
  pageQuery,
} from '../http/schemas/common.js';
import {
  conversationExample,
  conversationSchema,
  messageExample,
  messageSchema,
} from '../http/schemas/conversation.js';
import type { ConversationStore } from '../stores/conversation-store.js';

const createBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string', maxLength: 200 },
    metadata: { type: 'object', maxProperties: 20 },
  },
};
const renameBody = {
  type: 'object',
  additionalProperties: false,
  required: ['title'],
  properties: { title: { type: 'string', maxLength: 200 } },
};
const messagesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    afterSeq: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  },
};

const tags = ['conversations'];
const one = {
  200: {
    description: 'The conversation',
    schema: conversationSchema,
    example: conversationExample,
  },
};

/** The signed-in user's conversations; anyone else's are 404s (the store is theirs only). */
export function conversationRoutes(deps: {
  conversations: (owner: Owner) => ConversationStore;
}): AnyRoute[] {
  const store = (ctx: { state: { user?: Owner } }) => deps.conversations(ctx.state.user!);
  return [
    defineRoute<{ title?: string; metadata?: object }>({
      method: 'POST',
      path: '/v1/conversations',
      auth: 'user',
      summary: 'Start a conversation',
      tags,
      body: createBody,
      responses: {
        201: {
          description: 'Created',
          schema: conversationSchema,
          example: { ...conversationExample, lastSeq: 0 },
        },
        ...invalidError,
        ...authErrors,
      },
      async handler(ctx, { body }) {
        ctx.status = 201;
        ctx.body = await store(ctx).create(body);
      },
    }),
    defineRoute<undefined, { limit: number; cursor?: string }>({
      method: 'GET',
      path: '/v1/conversations',
      auth: 'user',
      summary: 'List conversations, most recently active first',
      tags,
      query: pageQuery,
      responses: {
        200: {
          description: 'A page',
          schema: page(conversationSchema),
          example: { data: [conversationExample], nextCursor: null },
        },
        ...invalidError,
        ...authErrors,
      },
      async handler(ctx, { query }) {
        ctx.body = await store(ctx).list(query);
      },
    }),
    defineRoute<undefined, undefined, { id: string }>({
      method: 'GET',
      path: '/v1/conversations/:id',
      auth: 'user',
      resource: 'Conversation',
      summary: 'Get a conversation',
      tags,
      responses: { ...one, ...notFoundError, ...authErrors },
      async handler(ctx, { params }) {
        ctx.body = await store(ctx).get(params.id);
      },
    }),
    defineRoute<{ title: string }, undefined, { id: string }>({
      method: 'PATCH',
      path: '/v1/conversations/:id',
      auth: 'user',
      resource: 'Conversation',
      summary: 'Rename a conversation',
      tags,
      body: renameBody,
      responses: { ...one, ...invalidError, ...notFoundError, ...authErrors },
      async handler(ctx, { body, params }) {
        ctx.body = await store(ctx).rename(params.id, body.title);
      },
    }),
    defineRoute<undefined, undefined, { id: string }>({
      method: 'DELETE',
      path: '/v1/conversations/:id',
      auth: 'user',
      resource: 'Conversation',
      summary: 'Delete a conversation and its messages',
      tags,
      responses: { 204: { description: 'Deleted' }, ...notFoundError, ...authErrors },
      async handler(ctx, { params }) {
        await store(ctx).remove(params.id);
        ctx.status = 204;
      },
    }),
    defineRoute<undefined, { limit: number; afterSeq?: number }, { id: string }>({
      method: 'GET',
      path: '/v1/conversations/:id/messages',
      auth: 'user',
      resource: 'Conversation',
      summary: 'Messages in order of seq; pass afterSeq to read on from a point',
      tags,
      query: messagesQuery,
      responses: {
        200: {
          description: 'A page; nextCursor is the next afterSeq',
          schema: page(messageSchema),
          example: { data: [messageExample], nextCursor: null },
        },
        ...invalidError,
        ...notFoundError,
        ...authErrors,
      },
      async handler(ctx, { params, query }) {
        ctx.body = await store(ctx).messages(params.id, query);
      },
    }),
  ];
}
