/** What the weather tool returns, whichever service answered. */
export interface WeatherReport {
  source: 'open-meteo' | 'openweathermap';
  location: {
    name: string;
    country: string | null;
    region: string | null;
    latitude: number;
    longitude: number;
    timezone: string | null;
  };
  units: { temperature: string; windSpeed: string };
  current: {
    time: string;
    temperature: number;
    feelsLike: number | null;
    humidity: number | null;
    windSpeed: number | null;
    conditions: string;
  };
  forecast: {
    date: string;
    conditions: string;
    max: number | null;
    min: number | null;
    precipitationProbability: number | null;
  }[];
  summary: string;
}

export type Units = 'metric' | 'imperial';

export function summarize(r: Omit<WeatherReport, 'summary'>): string {
  const place = [r.location.name, r.location.country].filter(Boolean).join(', ');
  const t = r.units.temperature;
  const now = `${place}: ${r.current.temperature} ${t}, ${r.current.conditions}`;
  const days = r.forecast
    .map((d) => `${d.date}: ${d.conditions}, ${d.min ?? '?'}–${d.max ?? '?'} ${t}`)
    .join('; ');
  return days ? `${now}. Forecast: ${days}.` : `${now}.`;
}
