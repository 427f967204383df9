import type { ToolContext } from '../define-tool.js';
import type { Units, WeatherReport } from './weather-types.js';
import { jsonOrThrow } from './http-json.js';
import { summarize } from './weather-types.js';

const BASE = 'https://api.openweathermap.org/data/2.5';

/**
 * OpenWeatherMap (WEATHER_API_KEY): current conditions, plus the 5-day /
 * 3-hour forecast folded into days. The forecast is best effort: when it
 * fails, the current conditions still answer the question.
 */
export async function openWeatherMapWeather(
  location: string,
  units: Units,
  apiKey: string,
  ctx: ToolContext<unknown>,
): Promise<WeatherReport> {
  const query = (path: string) => {
    const u = new URL(`${BASE}/${path}`);
    u.search = new URLSearchParams({ q: location, units, appid: apiKey }).toString();
    return u;
  };
  ctx.progress(0.1, `Fetching the weather for ${location}`);
  const res = await ctx.fetch(query('weather'), { signal: ctx.signal });
  if (res.status === 404) {
    await res.body?.cancel();
    throw new Error(`No place called "${location}" was found`);
  }
  const cur = await jsonOrThrow(res, 'OpenWeatherMap');
  ctx.progress(0.5, 'Fetching the forecast');
  let forecast: WeatherReport['forecast'] = [];
  try {
    const fc = await jsonOrThrow(
      await ctx.fetch(query('forecast'), { signal: ctx.signal }),
      'OpenWeatherMap forecast',
    );
    forecast = foldDays(fc.list ?? [], Number(fc.city?.timezone ?? cur.timezone ?? 0));
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    ctx.log.warn({ err: (err as Error).message }, 'OpenWeatherMap forecast unavailable');
  }
  ctx.progress(0.9, 'Weather received');
  const offset = Number(cur.timezone ?? 0);
  const report: Omit<WeatherReport, 'summary'> = {
    source: 'openweathermap',
    location: {
      name: cur.name,
      country: cur.sys?.country ?? null,
      region: null,
      latitude: cur.coord?.lat,
      longitude: cur.coord?.lon,
      timezone: null,
    },
    units: {
      temperature: units === 'imperial' ? '°F' : '°C',
      windSpeed: units === 'imperial' ? 'mph' : 'm/s',
    },
    current: {
      time: localTime(Number(cur.dt), offset),
      temperature: cur.main?.temp,
      feelsLike: cur.main?.feels_like ?? null,
      humidity: cur.main?.humidity ?? null,
      windSpeed: cur.wind?.speed ?? null,
      conditions: cur.weather?.[0]?.description ?? 'unknown',
    },
    forecast,
  };
  return { ...report, summary: summarize(report) };
}

/** `YYYY-MM-DDTHH:MM` in the place's local time (OpenWeatherMap gives UTC + offset). */
function localTime(unixSeconds: number, offsetSeconds: number): string {
  return new Date((unixSeconds + offsetSeconds) * 1000).toISOString().slice(0, 16);
}

interface Slot {
  dt: number;
  main?: { temp_min?: number; temp_max?: number };
  weather?: { description?: string }[];
  pop?: number;
}

function foldDays(list: Slot[], offset: number): WeatherReport['forecast'] {
  const days = new Map<string, Slot[]>();
  for (const s of list) {
    const date = localTime(s.dt, offset).slice(0, 10);
    days.set(date, [...(days.get(date) ?? []), s]);
  }
  return [...days.entries()].slice(0, 3).map(([date, slots]) => {
    const mid = slots[Math.floor(slots.length / 2)]!;
    const max = Math.max(...slots.map((s) => s.main?.temp_max ?? -Infinity));
    const min = Math.min(...slots.map((s) => s.main?.temp_min ?? Infinity));
    return {
      date,
      conditions: mid.weather?.[0]?.description ?? 'unknown',
      max: Number.isFinite(max) ? max : null,
      min: Number.isFinite(min) ? min : null,
      precipitationProbability: Math.round(Math.max(0, ...slots.map((s) => s.pop ?? 0)) * 100),
    };
  });
}
