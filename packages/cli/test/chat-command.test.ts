import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestTenant } from '../../server/test/helpers/test-app.js';
import { ADMIN_TOKEN, startTestApp } from '../../server/test/helpers/test-app.js';
import { run } from '../src/run.js';
import { emptyDir, runCli } from './helpers/run-cli.js';

let t: TestApp;
let tenant: TestTenant;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
  env = { PARLEY_URL: t.url };
});
afterAll(() => t.close());

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1);

/** The conversations of a tenant's user, with their messages, as the API stores them. */
interface StoredConversation {
  id: string;
  messages: { role: string; content: string }[];
}

async function storedFor(externalUserId: string): Promise<StoredConversation[]> {
  const { accessToken } = await tenant.session(externalUserId);
  const list = await t.request('GET', '/v1/conversations', { token: accessToken });
  return Promise.all(
    list.body.data.map(async (c: { id: string }) => ({
      id: c.id,
      messages: (
        await t.request('GET', `/v1/conversations/${c.id}/messages`, { token: accessToken })
      ).body.data as { role: string; content: string }[],
    })),
  );
}

describe('parley chat', () => {
  it('streams a labelled offline answer for a secret key and user, and stores the turn', async () => {
    const res = await runCli(
      ['chat', '--key', tenant.secretKey, '--user', 'ana', '-m', 'Hello from the terminal'],
      { env },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^parley › \[offline provider: no model is configured\] \[Offline mode/,
    );
    expect(res.stderr).toMatch(
      /^Chatting with http:\/\/127\.0\.0\.1:\d+ as key sk_live_\S+…, user "ana"/,
    );

    const [conversation] = await storedFor('ana');
    expect(conversation!.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(conversation!.messages[0]!.content).toBe('Hello from the terminal');
    // What the terminal showed is the stored answer.
    expect(res.stdout).toContain(conversation!.messages[1]!.content);
  });

  it('writes the answer as it streams, in several pieces', async () => {
    const writes: string[] = [];
    const code = await run(['chat', '--key', tenant.secretKey, '-m', 'Stream please'], {
      stdout: { write: (s: string) => writes.push(s) },
      stderr: { write: () => true },
      stdin: Readable.from([]),
      env,
      cwd: emptyDir(),
    });
    expect(code).toBe(0);
    const start = writes.indexOf('parley › ');
    const end = writes.lastIndexOf('\n');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end - start).toBeGreaterThan(3);
  });

  it('streams over the WebSocket transport too', async () => {
    const res = await runCli(
      [
        '--json',
        'chat',
        '--key',
        tenant.secretKey,
        '--user',
        'ws-user',
        '--transport',
        'ws',
        '-m',
        'over ws',
      ],
      { env },
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.replies).toHaveLength(1);
    const [conversation] = await storedFor('ws-user');
    expect(conversation!.messages.map((m) => m.content)).toEqual([
      'over ws',
      out.replies[0].content,
    ]);
  });

  it('answers each line read from stdin; /new starts a new conversation', async () => {
    const res = await runCli(['--json', 'chat', '--key', tenant.secretKey, '--user', 'bo'], {
      env,
      stdin: 'first question\n/new\nsecond question\n/exit\nnever sent\n',
    });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.replies).toHaveLength(2);
    expect(
      out.replies.every(
        (m: { role: string; offline: boolean }) => m.role === 'assistant' && m.offline,
      ),
    ).toBe(true);
    const stored = await storedFor('bo');
    expect(stored).toHaveLength(2);
    expect(stored.map((c) => c.messages[0]!.content).sort()).toEqual([
      'first question',
      'second question',
    ]);
    expect(stored.find((c) => c.id === out.conversationId)!.messages[0]!.content).toBe(
      'second question',
    );
  });

  it('chats as an anonymous visitor with a publishable key from an allowed origin only', async () => {
    const ok = await runCli(
      ['chat', '--key', tenant.publishableKey, '--origin', tenant.origin, '-m', 'hi'],
      { env },
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('[offline provider');

    const refused = await runCli(
      ['chat', '--key', tenant.publishableKey, '--origin', 'https://evil.example', '-m', 'hi'],
      { env },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'parley: Origin is not allowed for this publishable key (forbidden)\n',
    );
  });

  it('mints a user with the admin token and revokes the temporary key when the chat ends', async () => {
    const res = await runCli(
      ['chat', '--tenant', tenant.id, '--user', 'operator-test', '-m', 'ping'],
      {
        env: { ...env, PARLEY_ADMIN_TOKEN: ADMIN_TOKEN },
      },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('[offline provider');
    expect((await storedFor('operator-test'))[0]!.messages).toHaveLength(2);
    const keys = await t.admin('GET', `/v1/admin/tenants/${tenant.id}/keys`);
    const temp = keys.body.data.filter(
      (k: { name: string }) => k.name === 'parley chat (temporary)',
    );
    expect(temp).toHaveLength(1);
    expect(temp[0].revokedAt).not.toBeNull();
  });

  it('refuses bad input with one clear line', async () => {
    const badKey = await runCli(['chat', '--key', 'hello', '-m', 'x'], { env });
    expect(badKey).toMatchObject({
      code: 1,
      stderr: 'parley: --key must be a publishable (pk_…) or secret (sk_…) key\n',
    });

    const noWho = await runCli(['chat', '-m', 'x'], { env });
    expect(noWho.code).toBe(1);
    expect(noWho.stderr).toMatch(/^parley: who should chat\? pass --key/);

    const revoked = await runCli(['chat', '--key', 'sk_live_notARealKey0000000000', '-m', 'x'], {
      env,
    });
    expect(revoked).toMatchObject({
      code: 1,
      stderr: 'parley: Invalid or revoked API key (unauthorized)\n',
    });

    const otherConversation = await runCli(
      [
        'chat',
        '--key',
        tenant.secretKey,
        '--conversation',
        '00000000-0000-4000-8000-000000000000',
        '-m',
        'x',
      ],
      { env },
    );
    expect(otherConversation.code).toBe(1);
    expect(lastLine(otherConversation.stderr)).toBe('parley: Conversation not found (not_found)');
  });

  it("cannot continue another user's conversation", async () => {
    const mine = JSON.parse(
      (
        await runCli(
          ['--json', 'chat', '--key', tenant.secretKey, '--user', 'owner', '-m', 'secret stuff'],
          { env },
        )
      ).stdout,
    );
    const res = await runCli(
      [
        'chat',
        '--key',
        tenant.secretKey,
        '--user',
        'intruder',
        '--conversation',
        mine.conversationId,
        '-m',
        'x',
      ],
      { env },
    );
    expect(res.code).toBe(1);
    expect(lastLine(res.stderr)).toBe('parley: Conversation not found (not_found)');
    expect((await storedFor('owner'))[0]!.messages).toHaveLength(2);
  });
});
