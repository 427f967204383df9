import { defineTool } from '../define-tool.js';
import type { ToolDefinition } from '../define-tool.js';
import { openMeteoWeather } from './open-meteo.js';
import { openWeatherMapWeather } from './openweathermap.js';
import type { Units } from './weather-types.js';

interface WeatherConfig {
  units?: Units;
  /** A tenant's own OpenWeatherMap key; the server's WEATHER_API_KEY otherwise. */
  apiKey?: string;
}

/** Current weather and a 3-day forecast for a place name. */
export function weatherTool(serverApiKey: string | null): ToolDefinition {
  return defineTool<{ location: string; units?: Units }, WeatherConfig>({
    name: 'weather',
    service: 'the weather service',
    description:
      'Current weather and a 3-day forecast for a city or place name, e.g. "Lisbon" or "Porto, Portugal".',
    parameters: {
      type: 'object',
      additionalProperties: false,
      required: ['location'],
      properties: {
        location: { type: 'string', minLength: 1, maxLength: 200 },
        units: { enum: ['metric', 'imperial'] },
      },
    },
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        units: { enum: ['metric', 'imperial'] },
        apiKey: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
    timeoutMs: 15_000,
    execute({ location, units }, ctx) {
      const u = units ?? ctx.config.units ?? 'metric';
      const key = ctx.config.apiKey ?? serverApiKey;
      return key
        ? openWeatherMapWeather(location, u, key, ctx)
        : openMeteoWeather(location, u, ctx);
    },
  });
}
