import { Chat } from '@ai-sdk/react';
import type { UIMessage } from 'ai';
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { derivedConversationId } from '../../src/ai-sdk/chat-conversation.js';
import { OfflineProvider } from '../../src/providers/offline-provider.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { GatedProvider } from './gated-provider.js';

/**
 * The AI SDK endpoint with the real `ai` client: `Chat` (what `useChat`
 * wraps) over `DefaultChatTransport`, exactly as a React app uses it.
 */

interface User {
  token: string;
  userId: string;
  tenantId: string;
}

let t: TestApp;
let tenant: TestTenant;
const gated = new GatedProvider();

beforeAll(async () => {
  t = await startTestApp({
    providers: new ProviderRegistry().register(new OfflineProvider(0)).register(gated),
  });
  tenant = await t.createTenant({ memory: { enabled: false } });
  await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/calculator`, {
    needsApproval: true,
    // A shared CI machine can be slow to start the sandbox; this test is about the stream.
    timeoutMs: 60_000,
  });
});
afterAll(() => t.close());

async function newUser(on = tenant): Promise<User> {
  const s = await on.session(`u-${Math.random().toString(36).slice(2, 10)}`);
  return { token: s.accessToken, userId: s.userId, tenantId: on.id };
}

const useModel = (model: string) =>
  t.admin('PATCH', `/v1/admin/tenants/${tenant.id}`, { settings: { models: [model] } });

/** A `Chat` as `useChat` makes it; `finished()` resolves at the next onFinish. */
function chatFor(u: User, id: string, auto = false) {
  let onFinish: (m: UIMessage) => void = () => {};
  const chat = new Chat<UIMessage>({
    id,
    transport: new DefaultChatTransport({
      api: `${t.url}/v1/ai-sdk/chat`,
      headers: { authorization: `Bearer ${u.token}` },
    }),
    sendAutomaticallyWhen: auto ? lastAssistantMessageIsCompleteWithApprovalResponses : undefined,
    onFinish: ({ message }) => onFinish(message),
  });
  const finished = () => new Promise<UIMessage>((resolve) => (onFinish = resolve));
  return { chat, finished };
}

const textOf = (m: UIMessage | undefined): string =>
  (m?.parts ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');
const chatId = () => `chat-${Math.random().toString(36).slice(2, 12)}`;
const storedMessages = async (u: User, conversationId: string) =>
  (await t.request('GET', `/v1/conversations/${conversationId}/messages`, { token: u.token })).body
    .data as Array<{ role: string; content: string; status: string }>;

describe('POST /v1/ai-sdk/chat with the ai package', () => {
  it('answers sendMessage as a stream of UI message parts, stored in the user’s conversation', async () => {
    await useModel('offline:offline');
    const u = await newUser();
    const id = chatId();
    const { chat } = chatFor(u, id);
    await chat.sendMessage({ text: 'Hello from useChat' });

    expect(chat.error).toBeUndefined();
    expect(chat.status).toBe('ready');
    expect(chat.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    const answer = chat.messages[1]!;
    expect(textOf(answer)).toContain('"Hello from useChat"');
    const conversationId = derivedConversationId(u, id);
    expect(answer.metadata).toMatchObject({ parley: { conversationId, offline: true } });
    const stored = await storedMessages(u, conversationId);
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(stored[1]!.content).toBe(textOf(answer));
    // The stream's id is the stored answer's: the client and the server name it alike.
    expect(answer.id).toBe((stored[1] as unknown as { id: string }).id);
  });

  it('regenerate sends the last user message again; the history on the server keeps both answers', async () => {
    await useModel('offline:offline');
    const u = await newUser();
    const id = chatId();
    const { chat } = chatFor(u, id);
    await chat.sendMessage({ text: 'Say it twice' });
    const first = chat.messages[1]!.id;
    await chat.regenerate();
    expect(chat.error).toBeUndefined();
    expect(chat.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(chat.messages[1]!.id).not.toBe(first);
    expect(textOf(chat.messages[1])).toContain('"Say it twice"');
    const stored = await storedMessages(u, derivedConversationId(u, id));
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('continues a Parley conversation when the chat id is one of the user’s conversations', async () => {
    await useModel('offline:offline');
    const u = await newUser();
    const conv = await t.request('POST', '/v1/conversations', { token: u.token, body: {} });
    const { chat } = chatFor(u, conv.body.id);
    await chat.sendMessage({ text: 'Into my conversation' });
    expect(chat.messages[1]!.metadata).toMatchObject({ parley: { conversationId: conv.body.id } });
    expect((await storedMessages(u, conv.body.id)).length).toBe(2);
  });

  it('streams tool calls, pauses for approval, and goes on after addToolApprovalResponse', async () => {
    await useModel('offline:offline');
    const u = await newUser();
    const { chat, finished } = chatFor(u, chatId(), true);
    await chat.sendMessage({ text: '6*7' });
    const tool = chat.messages[1]!.parts.find((p) => p.type === 'dynamic-tool');
    expect(tool).toMatchObject({
      toolName: 'calculator',
      state: 'approval-requested',
      input: { expression: '6*7' },
    });
    const done = finished();
    await chat.addToolApprovalResponse({
      id: (tool as { approval: { id: string } }).approval.id,
      approved: true,
    });
    const message = await done;
    expect(chat.error).toBeUndefined();
    expect(chat.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    // One part per call, updated in place: requested → responded → output.
    const tools = message.parts.filter((p) => p.type === 'dynamic-tool');
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({ toolName: 'calculator', state: 'output-available' });
    expect(textOf(message)).toContain('42');
  });

  it('a denied approval shows as output-denied, and the tool never runs', async () => {
    await useModel('offline:offline');
    const u = await newUser();
    const id = chatId();
    const { chat, finished } = chatFor(u, id, true);
    await chat.sendMessage({ text: '5*5' });
    const tool = chat.messages[1]!.parts.find((p) => p.type === 'dynamic-tool');
    const done = finished();
    await chat.addToolApprovalResponse({
      id: (tool as { approval: { id: string } }).approval.id,
      approved: false,
    });
    const message = await done;
    expect(message.parts.filter((p) => p.type === 'dynamic-tool')).toMatchObject([
      { toolName: 'calculator', state: 'output-denied' },
    ]);
    expect(textOf(message)).toContain('denied');
    const [exec] = await t.db
      .knex('tool_executions')
      .where({ conversation_id: derivedConversationId(u, id) });
    expect(exec).toMatchObject({ status: 'denied', result: null });
  });

  it('resumeStream follows a running answer from its start, through Parley’s resume', async () => {
    await useModel('gated:test');
    gated.reset();
    const u = await newUser();
    const id = chatId();
    const first = chatFor(u, id);
    const sending = first.chat.sendMessage({ text: 'hi' });
    await gated.reached;
    // A second tab (or a reload) of the same chat.
    const second = chatFor(u, id);
    const resuming = second.chat.resumeStream();
    const conversationId = derivedConversationId(u, id);
    await vi.waitFor(() =>
      expect(t.app.services.turns.running(conversationId)?.events.subscribers).toBe(2),
    );
    gated.release();
    await Promise.all([sending, resuming]);
    expect(textOf(first.chat.messages[1])).toBe('Hello world');
    expect(second.chat.messages.map((m) => [m.role, textOf(m)])).toEqual([
      ['assistant', 'Hello world'],
    ]);
    expect(second.chat.messages[0]!.id).toBe(first.chat.messages[1]!.id);
    // Nothing runs any more: 204, and the chat stays as it was.
    await second.chat.resumeStream();
    expect(second.chat.error).toBeUndefined();
    expect(second.chat.messages).toHaveLength(1);
  });

  it('stop() closes the stream; with no resume grace the server cancels at once, kept as incomplete', async () => {
    await useModel('gated:test');
    gated.reset();
    const u = await newUser();
    const id = chatId();
    const { chat } = chatFor(u, id);
    const sending = chat.sendMessage({ text: 'stop me' });
    await gated.reached;
    const turn = t.app.services.turns.running(derivedConversationId(u, id))!;
    await chat.stop();
    await sending;
    const outcome = await turn.done;
    expect(outcome.response?.status).toBe('incomplete');
    expect(outcome.response?.content).toBe('Hello ');
  });
});

describe('the AI SDK endpoint refuses', () => {
  const post = (u: User | null, body: unknown) =>
    t.request('POST', '/v1/ai-sdk/chat', { token: u?.token, body });
  const userMessage = (text: string) => ({
    id: 'm1',
    role: 'user',
    parts: [{ type: 'text', text }],
  });

  it('bad bodies with 400 and the envelope, storing nothing', async () => {
    const u = await newUser();
    const bad = [
      {},
      { id: 'c1', messages: [] },
      { id: 'c1', messages: [{ id: 'm1', role: 'robot', parts: [] }] },
      { id: 'c1', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: ' ' }] }] },
      { id: 'c1', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'file' }] }] },
      { id: 'c1', messages: [userMessage('x'.repeat(32_001))] },
      { id: 'c1', messages: [{ id: 'a1', role: 'assistant', parts: [{ type: 'text' }] }] },
      { id: '', messages: [userMessage('hi')] },
    ];
    for (const body of bad) {
      const res = await post(u, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request' });
    }
    const list = await t.request('GET', '/v1/conversations', { token: u.token });
    expect(list.body.data).toEqual([]);
  });

  it('without a session (401), and reaches nobody else’s conversation with their chat id', async () => {
    expect((await post(null, { id: 'c1', messages: [userMessage('hi')] })).status).toBe(401);
    await useModel('offline:offline');
    const victim = await newUser();
    const attacker = await newUser();
    const foreign = await newUser(await t.createTenant());
    const conv = await t.request('POST', '/v1/conversations', { token: victim.token, body: {} });
    const id = chatId();
    await chatFor(victim, id).chat.sendMessage({ text: 'mine' });
    for (const who of [attacker, foreign]) {
      for (const chat of [id, conv.body.id as string]) {
        const c = chatFor(who, chat);
        await c.chat.sendMessage({ text: 'let me in' });
        expect(c.chat.messages[1]!.metadata).toMatchObject({
          parley: { conversationId: derivedConversationId(who, chat) },
        });
      }
    }
    expect((await storedMessages(victim, derivedConversationId(victim, id))).length).toBe(2);
    expect(await storedMessages(victim, conv.body.id)).toEqual([]);
  });

  it('a first message over quota: 429, and no empty chat is left behind', async () => {
    const strict = await t.createTenant({
      memory: { enabled: false },
      quotas: { user: { messagesPerDay: 1 } },
      models: ['offline:offline'],
    });
    const u = await newUser(strict);
    expect((await post(u, { id: chatId(), messages: [userMessage('one')] })).status).toBe(200);
    const res = await post(u, { id: chatId(), messages: [userMessage('two')] });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('quota_exceeded');
    const list = await t.request('GET', '/v1/conversations', { token: u.token });
    expect(list.body.data).toHaveLength(1);
  });

  it('resume of a chat that is not the caller’s: 404', async () => {
    const victim = await newUser();
    const stranger = await newUser();
    const id = chatId();
    await useModel('offline:offline');
    await chatFor(victim, id).chat.sendMessage({ text: 'mine' });
    const path = `/v1/ai-sdk/chat/${id}/stream`;
    expect((await t.request('GET', path, { token: victim.token })).status).toBe(204);
    const res = await t.request('GET', path, { token: stranger.token });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('speaks the wire format useChat expects: the header, data lines, [DONE]', async () => {
    await useModel('offline:offline');
    const u = await newUser();
    const res = await fetch(`${t.url}/v1/ai-sdk/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: chatId(), messages: [userMessage('wire')] }),
    });
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const data = text
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => frame.replace(/^data: /, ''));
    expect(data.at(-1)).toBe('[DONE]');
    const types = data.slice(0, -1).map((d) => (JSON.parse(d) as { type: string }).type);
    expect(types[0]).toBe('start');
    expect(types.slice(-2)).toEqual(['finish-step', 'finish']);
    expect(types).toContain('text-delta');
  });
});
