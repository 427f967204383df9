import type { Redis } from 'ioredis';
import type { RateLimiter, RateLimitResult, RateLimitRule } from './rate-limiter.js';

// KEYS: per rule, the window key prefix. ARGV: now, then (limit, windowMs, cost) per rule.
// All rules are checked before any is counted: one refusal consumes nothing.
const SCRIPT = `
local now = tonumber(ARGV[1])
local n = #KEYS
local counts, currKeys, resets = {}, {}, {}
for i = 1, n do
  local limit = tonumber(ARGV[2 + (i-1)*3])
  local win = tonumber(ARGV[3 + (i-1)*3])
  local cost = tonumber(ARGV[4 + (i-1)*3])
  local start = math.floor(now / win) * win
  local curr = tonumber(redis.call('GET', KEYS[i] .. ':' .. start) or '0')
  local prev = tonumber(redis.call('GET', KEYS[i] .. ':' .. (start - win)) or '0')
  local count = prev * (1 - (now - start) / win) + curr
  currKeys[i] = KEYS[i] .. ':' .. start
  resets[i] = win - (now - start)
  if count + cost > limit then
    return {0, i, 0, resets[i]}
  end
  counts[i] = limit - count - cost
end
local best = 1
for i = 1, n do
  local cost = tonumber(ARGV[4 + (i-1)*3])
  local win = tonumber(ARGV[3 + (i-1)*3])
  redis.call('INCRBY', currKeys[i], cost)
  redis.call('PEXPIRE', currKeys[i], win * 2)
  if counts[i] < counts[best] then best = i end
end
return {1, best, math.floor(counts[best]), resets[best]}
`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('parleyRateLimit', { lua: SCRIPT });
  }

  async hit(rules: RateLimitRule[], now = Date.now()): Promise<RateLimitResult> {
    const keys = rules.map((r) => `${this.prefix}rl:${r.key}`);
    const args = rules.flatMap((r) => [r.limit, r.windowMs, r.cost ?? 1]);
    const cmd = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<number[]>>)
      .parleyRateLimit!;
    const [allowed, index, remaining, resetMs] = await cmd.call(
      this.redis,
      keys.length,
      ...keys,
      now,
      ...args,
    );
    return {
      allowed: allowed === 1,
      rule: rules[(index ?? 1) - 1]!,
      remaining: Math.max(0, remaining ?? 0),
      resetMs: Math.ceil(resetMs ?? 0),
    };
  }
}
