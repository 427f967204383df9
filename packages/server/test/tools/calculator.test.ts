import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_LABEL } from '../../src/providers/offline-provider.js';
import { CalculatorSandbox } from '../../src/tools/builtins/calculator-sandbox.js';
import { sendTurn, streamedText } from '../helpers/provider-fixtures.js';
import type { TestApp, TestTenant } from '../helpers/test-app.js';
import { startTestApp } from '../helpers/test-app.js';

describe('calculator in a turn (offline provider)', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await startTestApp();
    tenant = await t.createTenant();
  });
  afterAll(() => t.close());

  it('answers (3+4)*12 km to miles with 52.19… miles, labelled offline', async () => {
    const { events, conversationId } = await sendTurn(t, tenant, '(3+4)*12 km to miles');
    expect(events.find((e) => e.type === 'tool.started')).toMatchObject({
      name: 'calculator',
      args: { expression: '(3+4)*12 km to miles' },
    });
    const done = events.find((e) => e.type === 'tool.completed')!;
    expect(done.status).toBe('ok');
    expect(done.result.result).toMatch(/^52\.19\d* miles$/);
    const text = streamedText(events);
    expect(text.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(text).toContain('52.19');
    const [exec] = await t.db.knex('tool_executions').where({ conversation_id: conversationId });
    expect(exec).toMatchObject({ name: 'calculator', status: 'ok' });
  });

  it('does not call a tool for a message that is not a calculation', async () => {
    const { events } = await sendTurn(t, tenant, 'Hello, 2024 was a good year');
    expect(events.some((e) => e.type.startsWith('tool.'))).toBe(false);
  });
});

describe('calculator sandbox', () => {
  const sandbox = new CalculatorSandbox();
  afterAll(() => sandbox.close());

  it('computes arithmetic, functions and unit conversions', async () => {
    expect(await sandbox.evaluate('sqrt(16) + 2^10')).toBe('1028');
    expect(await sandbox.evaluate('5 kg * 9.81 m/s^2 to N')).toBe('49.05 N');
    expect(await sandbox.evaluate('sum(1:100)')).toBe('5050');
  });

  it.each([
    ['import({}, {override: true})', /import is disabled/],
    ['createUnit("parsec2", "3 lightyear")', /createUnit is disabled/],
    ['evaluate("1+1")', /evaluate is disabled/],
    ['parse("1+1")', /parse is disabled/],
    ['compile("1+1")', /compile is disabled/],
    ['simplify("x+x")', /simplify is disabled/],
    ['derivative("x^2", "x")', /derivative is disabled/],
    ['resolve(parse("x"), {x: 1})', /disabled/],
    ['config({number: "BigNumber"})', /config is disabled/],
    ['[].constructor', /No access to property "constructor"/],
    ['a = {}; a["constructor"]', /No access to property "constructor"/],
    ['f = cos.constructor; f("return process")', /No access to property "constructor"/],
    ['cos.constructor("return process")()', /./],
    ['f = typeOf; f.__proto__', /No access to property "__proto__"/],
  ])('refuses %s', async (expression, message) => {
    await expect(sandbox.evaluate(expression)).rejects.toThrow(message);
  });

  it('stops a calculation that would take seconds, then keeps working', async () => {
    await expect(
      sandbox.evaluate('isPrime(bignumber("170141183460469231731687303715884105727"))'),
    ).rejects.toThrow(/took too long/);
    expect(await sandbox.evaluate('1 + 1')).toBe('2');
  });

  it('stops a calculation that would eat the memory, then keeps working', async () => {
    // A heap cap or the deadline stops it, whichever the machine's speed reaches first.
    await expect(sandbox.evaluate('ones(20000, 20000)')).rejects.toThrow(
      /too much memory|took too long/,
    );
    expect(await sandbox.evaluate('2 * 3')).toBe('6');
  });

  it('a changed setting in one expression does not leak into the next', async () => {
    await expect(sandbox.evaluate('x = 5')).resolves.toBe('5');
    await expect(sandbox.evaluate('x + 1')).rejects.toThrow(/Undefined symbol x/);
  });
});
