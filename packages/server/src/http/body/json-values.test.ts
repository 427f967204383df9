import { describe, expect, it } from 'vitest';
import { findUnstorableValue } from './json-values.js';

describe('findUnstorableValue', () => {
  it.each([
    ['NUL in a string', { a: ['ok', 'x\u0000'] }, 'nul_character', '/a/1'],
    ['NUL in a key', JSON.parse('{"m":{"k\\u0000":1}}'), 'nul_character', '/m/k\u0000'],
    ['an overflowed number', JSON.parse('{"n":1e400}'), 'number_out_of_range', '/n'],
    ['an integer past 2^53', { n: 2 ** 60 }, 'number_out_of_range', '/n'],
    ['a huge float', [-1.5e300], 'number_out_of_range', '/0'],
    [
      '__proto__',
      JSON.parse('{"a":{"__proto__":{"admin":true}}}'),
      'forbidden_key',
      '/a/__proto__',
    ],
    ['a key with a slash, escaped in the pointer', { 'a/b': '\u0000' }, 'nul_character', '/a~1b'],
  ])('%s', (_name, value, reason, path) => {
    expect(findUnstorableValue(value)).toEqual({ reason, path });
  });

  it('accepts ordinary values', () => {
    expect(
      findUnstorableValue({
        s: 'héllo ✓',
        n: 9007199254740991,
        f: -1.5e-300,
        g: 0.1,
        b: true,
        z: null,
      }),
    ).toBeNull();
  });
});
