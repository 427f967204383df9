/**
 * Spellings of a canonical path that must never be served as it: each
 * segment in upper, lower and mixed case; a trailing slash; doubled slashes;
 * an encoded slash, dot and letter; `;` parameters; `.` and `..` segments; a
 * backslash; a NUL. `/v1/me` → `/V1/me`, `/v1/me/`, `//v1/me`, `/v1%2Fme`,
 * `/v1/me;x=1`, `/v1/./me`, `/v1/x/../me`, … The separator variants are
 * made at the last slash (where a prefix-mounted check would end), the
 * others at every segment.
 */
export function pathVariants(path: string): string[] {
  const segs = path.split('/').slice(1);
  const join = (parts: string[]) => '/' + parts.join('/');
  const withSeg = (i: number, value: string) => join(segs.map((s, j) => (j === i ? value : s)));
  const out = new Set<string>();
  segs.forEach((seg, i) => {
    out.add(withSeg(i, seg.toUpperCase()));
    out.add(withSeg(i, seg.toLowerCase()));
    out.add(withSeg(i, mixedCase(seg)));
  });
  const last = segs.length - 1;
  const letterSeg = segs.findIndex((s) => /^[a-z]/i.test(s));
  if (letterSeg >= 0) {
    const seg = segs[letterSeg]!;
    out.add(withSeg(letterSeg, `%${seg.charCodeAt(0).toString(16)}${seg.slice(1)}`));
  }
  out.add(withSeg(0, `${segs[0]};x=1`));
  out.add(`${path};x=1`);
  if (last > 0) {
    const before = join(segs.slice(0, last));
    const after = `/${segs[last]}`;
    out.add(`${before}/${after}`);
    out.add(`${before}%2F${after.slice(1)}`);
    out.add(`${before}%2f${after.slice(1)}`);
    out.add(`${before}\\${after.slice(1)}`);
    out.add(`${before}/.${after}`);
    out.add(`${before}/%2E${after}`);
    out.add(`${before}/x/..${after}`);
    out.add(`${before}/x/%2e%2e${after}`);
  }
  out.add(`/${path}`);
  out.add(`${path}/`);
  out.add(`${path}%00`);
  out.delete(path);
  return [...out];
}

function mixedCase(s: string): string {
  return [...s].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
}
