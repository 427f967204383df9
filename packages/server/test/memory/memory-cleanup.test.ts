import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupNow } from '../../src/memory/memory-jobs.js';
import type { TestApp } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';
import { seedMemory, seedTenant, seedUser } from './seed.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('memory cleanup job', () => {
  it("applies each tenant's policy: expiry, retention, kinds, decay, duplicates, per-user cap", async () => {
    const k = t.db.knex;
    const e = t.app.services.memory.embedder;
    const strictTenant = await seedTenant(k, {
      memory: { perUserCap: 3, retentionDays: 30, kinds: ['fact', 'preference'] },
    });
    const a = { tenantId: strictTenant, userId: await seedUser(k, strictTenant) };
    const defaultTenant = await seedTenant(k);
    const b = { tenantId: defaultTenant, userId: await seedUser(k, defaultTenant) };

    await seedMemory(k, e, a, { text: 'User is in Berlin this week', expiresInDays: -1 });
    await seedMemory(k, e, a, { text: 'User liked the jazz concert', daysAgo: 40 });
    await seedMemory(k, e, a, { text: 'User had a dentist appointment', kind: 'event' });
    const teaOld = await seedMemory(k, e, a, {
      text: 'User likes green tea',
      daysAgo: 2,
      importance: 0.7,
    });
    const teaNew = await seedMemory(k, e, a, {
      text: 'User likes green tea!',
      daysAgo: 0,
      importance: 0.4,
    });
    await seedMemory(k, e, a, { text: "User's name is Ana", importance: 0.9 });
    await seedMemory(k, e, a, { text: 'User lives in Porto', importance: 0.8 });
    await seedMemory(k, e, a, { text: 'User works at Acme', importance: 0.3 });
    await seedMemory(k, e, a, { text: 'User prefers aisle seats', importance: 0.2 });

    const idle = await seedMemory(k, e, b, {
      text: 'User owns a red bicycle',
      daysAgo: 60,
      importance: 0.5,
    });
    await seedMemory(k, e, b, { text: 'User went to a wedding', kind: 'event', daysAgo: 10 });
    for (const text of ['User has two cats', 'User speaks Portuguese', 'User runs marathons']) {
      await seedMemory(k, e, b, { text });
    }

    const counts = await cleanupNow(t.app.services);
    expect(counts).toEqual({
      expired: 1,
      retention: 1,
      kinds: 1,
      decayed: 1,
      merged: 1,
      overCap: 3,
    });

    const left = (owner: { userId: string }) =>
      k('memories')
        .where({ user_id: owner.userId })
        .orderBy('text')
        .select('id', 'text', 'importance', 'invalidated_at', 'superseded_by');
    // The strict tenant keeps its 3 most valuable current memories; the merged
    // duplicate kept the higher importance of the two.
    const aRows = await left(a);
    expect(aRows.map((r) => r.text).sort()).toEqual(
      ['User likes green tea!', 'User lives in Porto', "User's name is Ana"].sort(),
    );
    expect(aRows.find((r) => r.id === teaNew)!.importance).toBeCloseTo(0.7);
    expect(aRows.some((r) => r.id === teaOld)).toBe(false); // history went first under the cap

    // The default tenant keeps everything (any kind, no retention, cap 1000) but
    // the idle memory lost some importance.
    const bRows = await left(b);
    expect(bRows).toHaveLength(5);
    expect(bRows.find((r) => r.id === idle)!.importance).toBeLessThan(0.5);
  });

  it('keeps near-duplicates as history (superseded by the newer) when under the cap', async () => {
    const k = t.db.knex;
    const e = t.app.services.memory.embedder;
    const tenantId = await seedTenant(k);
    const o = { tenantId, userId: await seedUser(k, tenantId) };
    const older = await seedMemory(k, e, o, { text: 'User prefers window seats', daysAgo: 3 });
    const newer = await seedMemory(k, e, o, { text: 'User prefers window seats.', daysAgo: 0 });
    await cleanupNow(t.app.services);
    const old = await k('memories').where({ id: older }).first();
    expect(old.superseded_by).toBe(newer);
    expect(old.invalidated_at).not.toBeNull();
    const current = await k('memories').where({ user_id: o.userId }).whereNull('invalidated_at');
    expect(current.map((r: { id: string }) => r.id)).toEqual([newer]);
  });
});
