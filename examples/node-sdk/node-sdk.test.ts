import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestTenant } from '../../packages/server/test/helpers/test-app.js';
import { startTestApp } from '../../packages/server/test/helpers/test-app.js';

const script = fileURLToPath(new URL('./stream-answer.mjs', import.meta.url));
let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.createTenant();
});
afterAll(() => t.close());

describe('examples/node-sdk', () => {
  it('streams an answer to stdout when run as a script', async () => {
    // As a user runs it: a separate node process, configured by env and argv.
    // (tsx + the parley-source condition load @parley/sdk from source, no build needed.)
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'parley-source', script, 'Is', 'this', 'thing', 'on?'],
      { env: { ...process.env, PARLEY_URL: t.url, PARLEY_SECRET_KEY: tenant.secretKey } },
    );
    expect(stdout).toMatch(/^\(offline mode: no model configured\)\n\[Offline mode/);
    expect(stdout).toContain('Is this thing on?');

    // What it printed is what the server stored, for the user the script named.
    const session = await tenant.session('node-example');
    const convs = await t.request('GET', '/v1/conversations', { token: session.accessToken });
    const messages = await t.request('GET', `/v1/conversations/${convs.body.data[0].id}/messages`, {
      token: session.accessToken,
    });
    const answer = messages.body.data[1].content;
    expect(stdout.trim().endsWith(answer)).toBe(true);
  });

  it('explains what is missing without a key', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'parley-source', script],
      {
        env: { ...process.env, PARLEY_URL: t.url, PARLEY_SECRET_KEY: '' },
      },
    );
    await expect(run).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/PARLEY_SECRET_KEY/),
    });
  });
});
