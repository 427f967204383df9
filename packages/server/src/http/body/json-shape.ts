/**
 * What a scan of raw JSON text finds before anything is parsed: nesting
 * deeper than allowed (so no deep object is ever built, and nothing below
 * recurses without bound) and a key given twice in one object (parsers
 * disagree on which one wins; a proxy that reads the first and this server
 * the last would see two different requests). Malformed text is left to
 * JSON.parse, which reports it.
 */
export type ShapeProblem =
  { reason: 'too_deep'; maxDepth: number } | { reason: 'duplicate_key'; path: string };

interface Level {
  /** Keys seen so far; null for an array. */
  keys: Set<string> | null;
  /** The member being read: its key, or its index in an array. */
  at: string;
  expectKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function scanJson(text: string, maxDepth: number): ShapeProblem | null {
  const stack: Level[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = decodeKey(text.slice(i, end + 1));
        if (key === null) return null; // a bad escape: JSON.parse says where
        if (top.keys.has(key)) return { reason: 'duplicate_key', path: pointer(stack, key) };
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return { reason: 'too_deep', maxDepth };
      const isObject = c === 0x7b;
      stack.push({
        keys: isObject ? new Set() : null,
        at: isObject ? '' : '0',
        expectKey: isObject,
      });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
      else if (top) top.at = String(Number(top.at) + 1);
    }
  }
  return null;
}

/** Index of the quote that closes the string opened at `start` (or the end of the text). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return text.length;
}

function decodeKey(literal: string): string | null {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return null;
  }
}

/** JSON Pointer (RFC 6901) of `key` inside the innermost object of the stack. */
function pointer(stack: Level[], key: string): string {
  const parts = [...stack.slice(0, -1).map((l) => l.at), key];
  return parts.map((p) => '/' + p.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
