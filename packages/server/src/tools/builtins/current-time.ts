import type { Knex } from 'knex';
import { defineTool } from '../define-tool.js';
import type { ToolDefinition } from '../define-tool.js';

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `+01:00` for a zone at an instant (DST-aware). */
function offsetOf(zone: string, at: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-]\d{2}:\d{2})?/.exec(part ?? '');
  return m?.[1] ?? '+00:00';
}

/** The current date and time in the user's timezone (preferences), UTC by default. */
export function currentTimeTool(knex: Knex, now: () => Date = () => new Date()): ToolDefinition {
  return defineTool<{ timezone?: string }>({
    name: 'current_time',
    description:
      'The current date and time in the user\'s timezone (or in a given IANA timezone such as "Asia/Tokyo").',
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: { timezone: { type: 'string', minLength: 1, maxLength: 64 } },
    },
    timeoutMs: 5_000,
    async execute({ timezone }, ctx) {
      let zone = timezone;
      let source = 'requested';
      if (!zone) {
        const pref = await knex('preferences')
          .where({ tenant_id: ctx.tenantId, user_id: ctx.userId })
          .first('timezone');
        zone = pref?.timezone ?? 'UTC';
        source = pref?.timezone ? 'user preferences' : 'default';
      }
      if (!validZone(zone!))
        throw new Error(`Unknown timezone "${zone}"; use an IANA name like Europe/Lisbon`);
      const at = now();
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        dateStyle: 'full',
        timeStyle: 'long',
      }).format(at);
      return {
        timezone: zone,
        timezoneSource: source,
        iso: at.toISOString(),
        utcOffset: offsetOf(zone!, at),
        local,
        summary: `It is ${local} (${zone}).`,
      };
    },
  });
}
