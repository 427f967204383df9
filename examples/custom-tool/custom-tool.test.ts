import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../packages/server/src/config/env.js';
import { isToolDefinition } from '../../packages/server/src/tools/define-tool.js';
import { loadPlugins } from '../../packages/server/src/tools/plugins/load-plugins.js';
import { toolRuntime } from '../../packages/server/src/app-services.js';
import { runToolCalls } from '../../packages/server/src/tools/runtime/run-tool-calls.js';
import { collectingHooks } from '../../packages/server/test/helpers/tool-hooks.js';
import type { TestApp, TestTenant } from '../../packages/server/test/helpers/test-app.js';
import { startTestApp } from '../../packages/server/test/helpers/test-app.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const plugin = './examples/custom-tool/roll-dice.mjs';

describe('examples/custom-tool', () => {
  it('is a valid plugin module (path relative to the working directory)', async () => {
    const tools = await loadPlugins([plugin], repoRoot);
    expect(tools).toHaveLength(1);
    expect(isToolDefinition(tools[0])).toBe(true);
    expect(tools[0]!.name).toBe('roll_dice');
  });

  describe('loaded by a server through PARLEY_TOOL_PLUGINS', () => {
    let t: TestApp;
    let tenant: TestTenant;
    beforeAll(async () => {
      const absolute = fileURLToPath(new URL('./roll-dice.mjs', import.meta.url));
      const tools = loadConfig(
        { PARLEY_TOOL_PLUGINS: absolute },
        { jwtSecret: 'x'.repeat(32) },
      ).tools;
      t = await startTestApp({ config: { tools } });
      tenant = await t.createTenant();
    });
    afterAll(() => t.close());

    async function roll(argsJson: string) {
      const set = await t.app.services.tools.forTurn(
        (await t.app.services.tenants.get(tenant.id))!,
      );
      const [out] = await runToolCalls(
        toolRuntime(t.app.services),
        set,
        [{ id: 'call_dice', name: 'roll_dice', argsJson }],
        { tenantId: tenant.id, userId: 'u', conversationId: 'c', responseId: 'r' },
        collectingHooks(),
        new AbortController().signal,
      );
      return out!;
    }

    it('lists it for tenants and runs it with validated arguments', async () => {
      const list = await t.admin('GET', `/v1/admin/tenants/${tenant.id}/tools`);
      expect(list.body.data.find((x: any) => x.name === 'roll_dice')).toMatchObject({
        kind: 'plugin',
        enabled: true,
      });
      const out = await roll('{"sides": 6, "count": 3}');
      expect(out.status).toBe('ok');
      const { rolls, total } = out.result as { rolls: number[]; total: number };
      expect(rolls).toHaveLength(3);
      expect(rolls.every((r) => r >= 1 && r <= 6)).toBe(true);
      expect(total).toBe(rolls.reduce((a, b) => a + b, 0));
      expect((await roll('{"sides": 1}')).error).toMatch(/Invalid arguments.*sides/);
    });

    it("applies the tenant's config", async () => {
      const put = await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/roll_dice`, {
        config: { maxCount: 2 },
      });
      expect(put.status).toBe(200);
      expect(await roll('{"sides": 6, "count": 3}')).toMatchObject({
        status: 'error',
        error: 'At most 2 dice per roll here',
      });
      const bad = await t.admin('PUT', `/v1/admin/tenants/${tenant.id}/tools/roll_dice`, {
        config: { maxCount: 'lots' },
      });
      expect(bad.status).toBe(400);
    });
  });
});
