import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import nock from 'nock';

/** The recorded tool responses in src/tools/__fixtures__ (see its README). */
const DIR = fileURLToPath(new URL('../../src/tools/__fixtures__/', import.meta.url));

export function toolFixture(name: string): unknown {
  return JSON.parse(readFileSync(DIR + name, 'utf8')) as unknown;
}

/** The exact query strings the README records for Open-Meteo. */
export function nockOpenMeteo(city: 'lisbon' | 'porto'): nock.Scope[] {
  const coords = city === 'lisbon' ? ['38.71667', '-9.13333'] : ['41.14961', '-8.61099'];
  const name = city === 'lisbon' ? 'Lisbon' : 'Porto';
  return [
    nock('https://geocoding-api.open-meteo.com')
      .get('/v1/search')
      .query({ name, count: '1', language: 'en', format: 'json' })
      .reply(200, toolFixture(`open-meteo-geocoding-${city}.json`) as nock.Body),
    nock('https://api.open-meteo.com')
      .get('/v1/forecast')
      .query({
        latitude: coords[0],
        longitude: coords[1],
        current:
          'temperature_2m,relative_humidity_2m,apparent_temperature,weather_code,wind_speed_10m',
        daily: 'weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max',
        timezone: 'auto',
        forecast_days: '3',
      })
      .reply(200, toolFixture(`open-meteo-forecast-${city}.json`) as nock.Body),
  ];
}

/**
 * Reads an SSE response as it arrives, so a test can act in the middle of a
 * turn (approve a tool, answer a client tool) and then read on.
 */
export class SseReader {
  readonly events: Array<Record<string, any>> = [];
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private ended = false;

  constructor(res: Response) {
    this.reader = res.body!.getReader();
  }

  /** Reads until an event matching `pred` arrives; returns it. */
  async waitFor(pred: (e: Record<string, any>) => boolean): Promise<Record<string, any>> {
    for (let i = 0; ; i++) {
      const found = this.events.find(pred);
      if (found) return found;
      if (this.ended)
        throw new Error(`stream ended without the awaited event; got ${this.types()}`);
      await this.pull();
    }
  }

  /** Reads to the end of the stream. */
  async rest(): Promise<Array<Record<string, any>>> {
    while (!this.ended) await this.pull();
    return this.events;
  }

  types(): string {
    return this.events.map((e) => e.type).join(', ');
  }

  private async pull(): Promise<void> {
    const { done, value } = await this.reader.read();
    if (done) {
      this.ended = true;
      return;
    }
    this.buffer += this.decoder.decode(value, { stream: true });
    let i: number;
    while ((i = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (data) this.events.push(JSON.parse(data.slice(6)) as Record<string, any>);
    }
  }
}
