import type { Redis } from 'ioredis';
import type {
  LimitResult,
  QuotaCheck,
  RateLimiter,
  RateLimitResult,
  RateLimitRule,
} from './rate-limiter.js';

// KEYS: n rule keys (window key prefixes), then the quota counter keys.
// ARGV: now, n, then (limit, windowMs, cost) per rule, then limit per quota.
// Replies: {1, rule, remaining, resetMs, 0} allowed; {0, rule, 0, resetMs, retryMs} refused;
// {2, quota, used} quota exceeded; {3, quota...} quota counters missing (seed, then retry).
// Quotas are read first; all rules are checked before any is counted.
const SCRIPT = `
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local missing = {3}
for j = n + 1, #KEYS do
  local v = redis.call('GET', KEYS[j])
  if not v then
    missing[#missing + 1] = j - n
  elseif tonumber(v) >= tonumber(ARGV[2 + n * 3 + j - n]) then
    return {2, j - n, tonumber(v)}
  end
end
if #missing > 1 then return missing end
local counts, currKeys, resets = {}, {}, {}
for i = 1, n do
  local limit = tonumber(ARGV[3 + (i-1)*3])
  local win = tonumber(ARGV[4 + (i-1)*3])
  local cost = tonumber(ARGV[5 + (i-1)*3])
  local start = math.floor(now / win) * win
  local curr = tonumber(redis.call('GET', KEYS[i] .. ':' .. start) or '0')
  local prev = tonumber(redis.call('GET', KEYS[i] .. ':' .. (start - win)) or '0')
  local elapsed = now - start
  local count = prev * (1 - elapsed / win) + curr
  currKeys[i] = KEYS[i] .. ':' .. start
  resets[i] = win - elapsed
  if count + cost > limit then
    local retry
    if cost > limit then
      retry = win * 2
    elseif curr + cost <= limit and prev > 0 then
      retry = math.max(1, math.ceil((1 - (limit - curr - cost) / prev) * win - elapsed))
    else
      local nxt = 0
      if curr > 0 then nxt = math.max(0, math.ceil((1 - (limit - cost) / curr) * win)) end
      retry = math.max(1, win - elapsed + nxt)
    end
    return {0, i, 0, resets[i], retry}
  end
  counts[i] = limit - count - cost
end
local best = 1
for i = 1, n do
  local cost = tonumber(ARGV[5 + (i-1)*3])
  local win = tonumber(ARGV[4 + (i-1)*3])
  redis.call('INCRBY', currKeys[i], cost)
  redis.call('PEXPIRE', currKeys[i], win * 2)
  if counts[i] < counts[best] then best = i end
end
return {1, best, math.floor(counts[best]), resets[best], 0}
`;

// KEYS: counters; ARGV: (value, ttlMs) per counter. Sets only absent ones.
const SEED = `
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i*2 - 1], 'PX', ARGV[i*2], 'NX')
end
return 1
`;

// KEYS: counters; ARGV: amount per counter. Absent counters stay absent (seeded later).
const ADD = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('INCRBY', KEYS[i], ARGV[i]) end
end
return 1
`;

type Cmd = (...a: unknown[]) => Promise<number[]>;

export class RedisRateLimiter implements RateLimiter {
  private readonly run: { check: Cmd; seed: Cmd; add: Cmd };

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('parleyLimitCheck', { lua: SCRIPT });
    redis.defineCommand('parleyQuotaSeed', { lua: SEED });
    redis.defineCommand('parleyQuotaAdd', { lua: ADD });
    const cmds = redis as unknown as Record<string, Cmd>;
    this.run = {
      check: cmds.parleyLimitCheck!.bind(redis),
      seed: cmds.parleyQuotaSeed!.bind(redis),
      add: cmds.parleyQuotaAdd!.bind(redis),
    };
  }

  async hit(rules: RateLimitRule[], now: number): Promise<RateLimitResult> {
    const r = await this.check(rules, [], now);
    if (r.kind !== 'rate') throw new Error('unreachable: no quotas were checked');
    return r;
  }

  async check(rules: RateLimitRule[], quotas: QuotaCheck[], now: number): Promise<LimitResult> {
    const keys = [
      ...rules.map((r) => `${this.prefix}rl:${r.key}`),
      ...quotas.map((q) => `${this.prefix}q:${q.key}`),
    ];
    const args = [
      now,
      rules.length,
      ...rules.flatMap((r) => [r.limit, r.windowMs, r.cost ?? 1]),
      ...quotas.map((q) => q.limit),
    ];
    const reply = await this.run.check(keys.length, ...keys, ...args);
    const [status, index] = reply as [number, number];
    if (status === 3) return { kind: 'missing', quotas: reply.slice(1).map((j) => quotas[j - 1]!) };
    if (status === 2) return { kind: 'quota', quota: quotas[index - 1]!, used: reply[2]! };
    return {
      kind: 'rate',
      allowed: status === 1,
      rule: rules[index - 1]!,
      remaining: Math.max(0, reply[2] ?? 0),
      resetMs: Math.ceil(reply[3] ?? 0),
      retryAfterMs: Math.ceil(reply[4] ?? 0),
    };
  }

  async seed(counters: { key: string; value: number; ttlMs: number }[]): Promise<void> {
    if (!counters.length) return;
    const keys = counters.map((c) => `${this.prefix}q:${c.key}`);
    await this.run.seed(keys.length, ...keys, ...counters.flatMap((c) => [c.value, c.ttlMs]));
  }

  async add(counters: { key: string; amount: number }[]): Promise<void> {
    if (!counters.length) return;
    const keys = counters.map((c) => `${this.prefix}q:${c.key}`);
    await this.run.add(keys.length, ...keys, ...counters.map((c) => c.amount));
  }
}
