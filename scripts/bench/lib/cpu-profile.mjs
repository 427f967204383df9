import { readFileSync } from 'node:fs';

/** Where a function lives, short: `knex/lib/client.js:120`, `node:internal/streams/…`, `server dist/index.js:88`. */
function where(url, line, root) {
  if (!url) return '';
  let p = url.replace(/^file:\/\//, '');
  if (root && p.startsWith(root)) p = p.slice(root.length).replace(/^\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) p = p.slice(nm + 'node_modules/'.length);
  return `${p}:${line + 1}`;
}

function bucket(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node core';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return pkg;
  }
  const m = /packages\/(\w+)\/dist\//.exec(url);
  return m ? `@parley/${m[1]}` : 'other';
}

/** Generic stream and socket layers: the caller worth naming is above them. */
const PLUMBING =
  /^node:(internal\/streams\/|internal\/stream_base_commons|net$|events$|internal\/process\/task_queues)/;

/**
 * Self time per function from a V8 .cpuprofile, optionally only for samples
 * taken between fromUs and toUs (CLOCK_MONOTONIC microseconds, the clock
 * process.hrtime uses too, so the bench can cut out start-up).
 */
export function analyseProfile(file, { fromUs, toUs, root, limit = 15 } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Native and node-core frames (socket writes, crypto) say little alone: name the
  // nearest caller from an npm package or Parley itself.
  const viaCache = new Map();
  const via = (id) => {
    if (viaCache.has(id)) return viaCache.get(id);
    let cur = parent.get(id);
    let found = '';
    while (cur !== undefined) {
      const f = nodes.get(cur).callFrame;
      if (f.url && !PLUMBING.test(f.url)) {
        found = `${f.functionName || '(anonymous)'} ${where(f.url, f.lineNumber, root)}`;
        break;
      }
      cur = parent.get(cur);
    }
    viaCache.set(id, found);
    return found;
  };
  const callers = new Map();
  const inWindow = fromUs !== undefined && profile.startTime <= toUs && profile.endTime >= fromUs;
  const byFunction = new Map();
  const byBucket = new Map();
  let t = profile.startTime;
  let busyUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (inWindow && (t < fromUs || t > toUs)) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const { callFrame } = nodes.get(profile.samples[i]);
    const name = callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idleUs += dt;
      continue;
    }
    busyUs += dt;
    const key = `${name} ${where(callFrame.url, callFrame.lineNumber, root)}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + dt);
    if (!callFrame.url || callFrame.url.startsWith('node:')) {
      const from = via(profile.samples[i]);
      const m = callers.get(key) ?? new Map();
      m.set(from, (m.get(from) ?? 0) + dt);
      callers.set(key, m);
    }
    const b = bucket(callFrame.url, name);
    byBucket.set(b, (byBucket.get(b) ?? 0) + dt);
  }
  const top = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => {
        const from = callers.get(name);
        const topCaller = from ? [...from.entries()].sort((a, b) => b[1] - a[1])[0] : null;
        return {
          name,
          selfMs: us / 1000,
          percent: (100 * us) / (busyUs || 1),
          ...(topCaller?.[0] ? { via: topCaller[0], viaPercent: (100 * topCaller[1]) / us } : {}),
        };
      });
  return {
    windowed: inWindow,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    functions: top(byFunction, limit),
    packages: top(byBucket, 12),
  };
}
