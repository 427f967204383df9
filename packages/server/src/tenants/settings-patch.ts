import type { TenantSettings } from './settings.js';
import { tenantSettingsSchema } from './settings.js';

/**
 * A PATCH of tenant settings: only the keys it names change. `null` removes
 * a key (the server default applies again); the object-valued keys
 * (rateLimits, quotas, memory) merge one level deep, where `null` removes
 * one of their keys. Anything else replaces the key's value.
 */
export type SettingsPatch = {
  [K in keyof TenantSettings]?: NullableFields<NonNullable<TenantSettings[K]>> | null;
};
type NullableFields<V> = V extends unknown[]
  ? V
  : V extends object
    ? { [F in keyof V]?: V[F] | null }
    : V;

type Schema = { type?: string; properties?: Record<string, Schema> } & Record<string, unknown>;
const orNull = (s: unknown) => ({ anyOf: [s, { type: 'null' }] });

/** Objects whose own keys a PATCH merges; derived from the settings schema, so a new one is merged too. */
const properties = tenantSettingsSchema.properties as unknown as Record<string, Schema>;
export const MERGED_KEYS: ReadonlySet<string> = new Set(
  Object.entries(properties)
    .filter(([, s]) => s.type === 'object')
    .map(([key]) => key),
);

/** The settings schema with `null` allowed on every key and on every key of a merged object. */
export const settingsPatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    Object.entries(properties).map(([key, s]) => [
      key,
      MERGED_KEYS.has(key)
        ? orNull({
            ...s,
            properties: Object.fromEntries(
              Object.entries(s.properties ?? {}).map(([k, inner]) => [k, orNull(inner)]),
            ),
          })
        : orNull(s),
    ]),
  ),
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Applies a validated patch; the result is valid whenever both inputs are. */
export function mergeSettings(current: TenantSettings, patch: SettingsPatch): TenantSettings {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete next[key];
    } else if (MERGED_KEYS.has(key) && isObject(value)) {
      const merged: Record<string, unknown> = isObject(next[key]) ? { ...next[key] } : {};
      for (const [k, v] of Object.entries(value)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      if (Object.keys(merged).length > 0) next[key] = merged;
      else delete next[key];
    } else if (value !== undefined) {
      next[key] = value;
    }
  }
  return next as TenantSettings;
}
