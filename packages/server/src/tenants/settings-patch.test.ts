import { describe, expect, it } from 'vitest';
import { check } from '../http/validate.js';
import type { TenantSettings } from './settings.js';
import { mergeSettings, settingsPatchSchema } from './settings-patch.js';

const current: TenantSettings = {
  persona: 'Be brief.',
  models: ['openai:gpt-4o-mini'],
  rateLimits: { userPerMinute: 30, tenantPerMinute: 600 },
  quotas: { tenant: { messagesPerDay: 1000 }, user: { messagesPerDay: 50 } },
  memory: { enabled: true, retentionDays: 90 },
};

describe('mergeSettings', () => {
  it('changes only the keys a patch names: a new persona keeps rate limits and quotas', () => {
    expect(mergeSettings(current, { persona: 'Be kind.' })).toEqual({
      ...current,
      persona: 'Be kind.',
    });
  });

  it('merges rateLimits, quotas and memory one level deep', () => {
    const next = mergeSettings(current, {
      rateLimits: { userPerMinute: 5 },
      quotas: { user: { tokensPerDay: 10_000 } },
      memory: { retentionDays: 7 },
    });
    expect(next.rateLimits).toEqual({ userPerMinute: 5, tenantPerMinute: 600 });
    // One level: quotas.user is replaced as a whole, quotas.tenant is kept.
    expect(next.quotas).toEqual({
      tenant: { messagesPerDay: 1000 },
      user: { tokensPerDay: 10_000 },
    });
    expect(next.memory).toEqual({ enabled: true, retentionDays: 7 });
  });

  it('removes a key given null, at the top and inside a merged object', () => {
    const next = mergeSettings(current, { persona: null, rateLimits: { userPerMinute: null } });
    expect(next).not.toHaveProperty('persona');
    expect(next.rateLimits).toEqual({ tenantPerMinute: 600 });
    expect(mergeSettings(next, { rateLimits: { tenantPerMinute: null } })).not.toHaveProperty(
      'rateLimits',
    );
  });

  it('replaces arrays whole', () => {
    expect(
      mergeSettings(current, { models: ['anthropic:claude-3-5-haiku-latest'] }).models,
    ).toEqual(['anthropic:claude-3-5-haiku-latest']);
  });

  it('does not change the settings it was given', () => {
    const before = structuredClone(current);
    mergeSettings(current, { rateLimits: { userPerMinute: 1 }, persona: null });
    expect(current).toEqual(before);
  });
});

describe('settingsPatchSchema', () => {
  it('validates every key with its own rules and allows null', () => {
    expect(
      check(settingsPatchSchema, { persona: null, rateLimits: { userPerMinute: null } }),
    ).toEqual([]);
    expect(check(settingsPatchSchema, { rateLimits: { userPerMinute: 0 } })).not.toEqual([]);
    expect(check(settingsPatchSchema, { models: ['not a model'] })).not.toEqual([]);
    expect(check(settingsPatchSchema, { rateLimits: { nope: 1 } })).not.toEqual([]);
    expect(check(settingsPatchSchema, { unknownKey: 1 })).not.toEqual([]);
  });
});
