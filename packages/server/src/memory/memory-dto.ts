/** Memory rows → the wire resource (camelCase, ISO dates). */
import type { Memory } from '@parley/sdk/protocol';

/** The wire type is the SDK's (defined once, in @parley/sdk/protocol). */
export type MemoryResource = Memory;

type Row = Record<string, unknown>;

const iso = (v: unknown): string | null =>
  v == null ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();

export const MEMORY_COLUMNS = [
  'id',
  'text',
  'kind',
  'importance',
  'access_count',
  'last_accessed_at',
  'source_message_ids',
  'expires_at',
  'created_at',
  'updated_at',
] as const;

export function toMemory(row: Row): MemoryResource {
  const ids = row.source_message_ids;
  return {
    id: row.id as string,
    text: row.text as string,
    kind: row.kind as string,
    importance: Math.round(Number(row.importance) * 1000) / 1000,
    accessCount: Number(row.access_count ?? 0),
    lastAccessedAt: iso(row.last_accessed_at),
    sourceMessageIds:
      typeof ids === 'string' ? (JSON.parse(ids) as string[]) : ((ids as string[]) ?? []),
    expiresAt: iso(row.expires_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}
