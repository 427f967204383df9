import type { ToolContext } from '../define-tool.js';
import { describeWmo } from './weather-codes.js';
import type { Units, WeatherReport } from './weather-types.js';
import { jsonOrThrow } from './http-json.js';
import { summarize } from './weather-types.js';

const GEOCODING = 'https://geocoding-api.open-meteo.com/v1/search';
const FORECAST = 'https://api.open-meteo.com/v1/forecast';

/** Open-Meteo (no key): geocode the place name, then ask for current + 3 days. */
export async function openMeteoWeather(
  location: string,
  units: Units,
  ctx: ToolContext<unknown>,
): Promise<WeatherReport> {
  ctx.progress(0.1, `Looking up ${location}`);
  const geoUrl = new URL(GEOCODING);
  geoUrl.search = new URLSearchParams({
    name: location,
    count: '1',
    language: 'en',
    format: 'json',
  }).toString();
  const geo = await jsonOrThrow(
    await ctx.fetch(geoUrl, { signal: ctx.signal }),
    'Open-Meteo geocoding',
  );
  // When nothing matches, Open-Meteo leaves the `results` key out entirely.
  const place = geo.results?.[0];
  if (!place) throw new Error(`No place called "${location}" was found`);

  const name = [place.name, place.country].filter(Boolean).join(', ');
  ctx.progress(0.5, `Fetching the forecast for ${name}`);
  const params = new URLSearchParams({
    latitude: String(place.latitude),
    longitude: String(place.longitude),
    current: 'temperature_2m,relative_humidity_2m,apparent_temperature,weather_code,wind_speed_10m',
    daily: 'weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max',
    timezone: 'auto',
    forecast_days: '3',
  });
  if (units === 'imperial') {
    params.set('temperature_unit', 'fahrenheit');
    params.set('wind_speed_unit', 'mph');
  }
  const fcUrl = new URL(FORECAST);
  fcUrl.search = params.toString();
  const fc = await jsonOrThrow(
    await ctx.fetch(fcUrl, { signal: ctx.signal }),
    'Open-Meteo forecast',
  );
  ctx.progress(0.9, 'Forecast received');

  const c = fc.current ?? {};
  const d = fc.daily ?? { time: [] };
  const report: Omit<WeatherReport, 'summary'> = {
    source: 'open-meteo',
    location: {
      name: place.name,
      country: place.country ?? null,
      region: place.admin1 ?? null,
      latitude: place.latitude,
      longitude: place.longitude,
      timezone: fc.timezone ?? place.timezone ?? null,
    },
    units: {
      temperature: fc.current_units?.temperature_2m ?? (units === 'imperial' ? '°F' : '°C'),
      windSpeed: fc.current_units?.wind_speed_10m ?? (units === 'imperial' ? 'mp/h' : 'km/h'),
    },
    current: {
      time: c.time,
      temperature: c.temperature_2m,
      feelsLike: c.apparent_temperature ?? null,
      humidity: c.relative_humidity_2m ?? null,
      windSpeed: c.wind_speed_10m ?? null,
      conditions: describeWmo(c.weather_code),
    },
    forecast: (d.time as string[]).map((date, i) => ({
      date,
      conditions: describeWmo(d.weather_code?.[i]),
      max: d.temperature_2m_max?.[i] ?? null,
      min: d.temperature_2m_min?.[i] ?? null,
      precipitationProbability: d.precipitation_probability_max?.[i] ?? null,
    })),
  };
  return { ...report, summary: summarize(report) };
}
