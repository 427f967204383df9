import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { loadPlugins } from '../../src/tools/plugins/load-plugins.js';
import pino from 'pino';
import type { Knex } from 'knex';
import { createInfra } from '../../src/infra/index.js';
import { ToolService } from '../../src/tools/tool-service.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('tool plugins', () => {
  it('refuses a module that exports no tool made with defineTool', async () => {
    await expect(loadPlugins([fixture('plugin-without-tools.mjs')])).rejects.toThrow(
      /plugin-without-tools\.mjs" exports no tool made with defineTool\(\)/,
    );
  });

  it('names a plugin that cannot be found', async () => {
    await expect(loadPlugins(['parley-plugin-that-does-not-exist'])).rejects.toThrow(
      /Tool plugin "parley-plugin-that-does-not-exist" could not be loaded/,
    );
  });

  it('stops the server start when a plugin takes a builtin name', async () => {
    const config = loadConfig(
      { PARLEY_TOOL_PLUGINS: fixture('plugin-calculator-clash.mjs') },
      { jwtSecret: 'x'.repeat(32) },
    );
    const infra = await createInfra({ redisUrl: null });
    try {
      // What createApp awaits before it listens.
      const service = new ToolService({
        config,
        log: pino({ level: 'silent' }),
        knex: {} as Knex,
        infra,
      });
      await expect(service.start()).rejects.toThrow(
        /Tool plugin name "calculator" is already taken/,
      );
    } finally {
      await infra.close();
    }
  });

  it('reads PARLEY_TOOL_PLUGINS as a comma-separated list', () => {
    const { plugins } = loadConfig(
      { PARLEY_TOOL_PLUGINS: ' ./a.mjs, parley-tools-b ,,' },
      { jwtSecret: 'x'.repeat(32) },
    ).tools;
    expect(plugins).toEqual(['./a.mjs', 'parley-tools-b']);
  });
});
