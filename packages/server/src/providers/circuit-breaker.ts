import type { KeyValueStore } from '../infra/kv.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit skips the provider before one probe may try it. */
  cooldownMs: number;
  /** How long a state read from the store is trusted in process (the hot path's one read). */
  cacheMs?: number;
  now?: () => number;
}

/** `closed`: call it. `probe`: call it as the one half-open trial. `open`: skip it. */
export type Admission = 'closed' | 'probe' | 'open';

interface State {
  /** Consecutive failures. */
  f: number;
  /** Epoch ms until which the circuit is open; 0 when closed. */
  o: number;
}

const CLOSED: State = { f: 0, o: 0 };

/**
 * A circuit breaker per `provider:model`, kept in the shared key/value store
 * (Redis in production) so every instance skips a failing provider together.
 *
 * Admission costs at most one store read, cached briefly in process; a
 * healthy call writes nothing. Failures read-modify-write the count: two
 * instances failing at the same instant may count one failure once, which
 * only delays opening by a call and is not worth a lock on the error path.
 */
export class CircuitBreaker {
  private readonly cache = new Map<string, { state: State; until: number }>();
  private readonly now: () => number;
  private readonly cacheMs: number;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly opts: CircuitBreakerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.cacheMs = opts.cacheMs ?? 1000;
  }

  async admit(target: string): Promise<Admission> {
    const state = await this.read(target);
    if (state.o === 0) return 'closed';
    if (this.now() < state.o) return 'open';
    // Cool-down over: exactly one caller (across instances) probes; the rest keep skipping.
    const won = await this.kv.setIfAbsent(probeKey(target), '1', this.probeTtl());
    return won ? 'probe' : 'open';
  }

  async success(target: string, admission: Admission): Promise<void> {
    const cached = this.cache.get(target)?.state;
    if (admission !== 'probe' && (!cached || (cached.f === 0 && cached.o === 0))) return;
    this.remember(target, CLOSED);
    await this.kv.del(stateKey(target));
    if (admission === 'probe') await this.kv.del(probeKey(target));
  }

  async failure(target: string, admission: Admission): Promise<void> {
    const current = parse(await this.kv.get(stateKey(target)));
    const f = current.f + 1;
    const open = admission === 'probe' || f >= this.opts.failureThreshold;
    const next: State = { f, o: open ? this.now() + this.opts.cooldownMs : current.o };
    this.remember(target, next);
    // Long enough to outlive the cool-down; stale failure counts expire on their own.
    await this.kv.set(stateKey(target), JSON.stringify(next), this.opts.cooldownMs + 10 * 60_000);
    if (admission === 'probe') await this.kv.del(probeKey(target));
  }

  /** The call said nothing about the provider's health (cancelled): free the probe slot. */
  async abandon(target: string, admission: Admission): Promise<void> {
    if (admission === 'probe') await this.kv.del(probeKey(target));
  }

  private async read(target: string): Promise<State> {
    const hit = this.cache.get(target);
    const now = this.now();
    if (hit && hit.until > now) return hit.state;
    const state = parse(await this.kv.get(stateKey(target)));
    this.remember(target, state);
    return state;
  }

  private remember(target: string, state: State): void {
    this.cache.set(target, { state, until: this.now() + this.cacheMs });
  }

  /** A probe that never reports (crashed instance) must not block probing forever. */
  private probeTtl(): number {
    return Math.max(this.opts.cooldownMs, 60_000);
  }
}

const stateKey = (target: string): string => `breaker:${target}`;
const probeKey = (target: string): string => `breaker-probe:${target}`;

function parse(raw: string | null): State {
  if (!raw) return CLOSED;
  try {
    const v = JSON.parse(raw) as Partial<State>;
    return { f: Number(v.f) || 0, o: Number(v.o) || 0 };
  } catch {
    return CLOSED;
  }
}
