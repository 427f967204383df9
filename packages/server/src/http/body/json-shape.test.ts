import { describe, expect, it } from 'vitest';
import { scanJson } from './json-shape.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('scanJson', () => {
  it('allows nesting up to the limit and refuses one level more', () => {
    expect(scanJson(nested(32), 32)).toBeNull();
    expect(scanJson(nested(33), 32)).toEqual({ reason: 'too_deep', maxDepth: 32 });
  });

  it('stops at the limit without reading the rest (a 1 MB bomb is refused as fast as a small one)', () => {
    expect(scanJson('{"a":'.repeat(500_000), 32)).toEqual({ reason: 'too_deep', maxDepth: 32 });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(scanJson(JSON.stringify({ s: '[[[[{{{{"\\' + '['.repeat(100) }), 2)).toBeNull();
  });

  it('finds a key given twice, also when spelled with escapes, and names where', () => {
    expect(scanJson('{"title":"a","title":"b"}', 32)).toEqual({
      reason: 'duplicate_key',
      path: '/title',
    });
    expect(scanJson('{"a":[1,{"x":1,"\\u0078":2}]}', 32)).toEqual({
      reason: 'duplicate_key',
      path: '/a/1/x',
    });
  });

  it('lets the same key appear in different objects', () => {
    expect(scanJson('{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":2}]}', 32)).toBeNull();
  });

  it('leaves malformed text to the parser', () => {
    expect(scanJson('{"a', 32)).toBeNull();
    expect(scanJson('{"\\q":1}', 32)).toBeNull();
  });
});
