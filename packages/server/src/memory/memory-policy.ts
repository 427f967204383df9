import type { TenantSettings } from '../tenants/settings.js';

export const MEMORY_KINDS = ['fact', 'preference', 'event', 'goal'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/** A tenant's memory policy with every default filled in. */
export interface MemoryPolicy {
  enabled: boolean;
  retentionDays: number | null;
  perUserCap: number;
  kinds: readonly MemoryKind[];
}

export const DEFAULT_PER_USER_CAP = 1000;

export function memoryPolicy(settings: TenantSettings): MemoryPolicy {
  const m = settings.memory ?? {};
  return {
    enabled: m.enabled ?? true,
    retentionDays: m.retentionDays ?? null,
    perUserCap: m.perUserCap ?? DEFAULT_PER_USER_CAP,
    kinds: m.kinds?.length ? m.kinds : MEMORY_KINDS,
  };
}

export function isMemoryKind(v: unknown): v is MemoryKind {
  return typeof v === 'string' && (MEMORY_KINDS as readonly string[]).includes(v);
}
