import type { ParleyEvent } from '@parley/sdk/protocol';
import { isTerminalEvent } from '@parley/sdk/protocol';

export interface SseStream {
  status: number;
  events: ParleyEvent[];
  /** Resolves with the event once one matching arrives (or rejects when the stream ends first). */
  waitFor(pred: (e: ParleyEvent) => boolean): Promise<ParleyEvent>;
  /** Resolves when the response ends (normally, cut by the server, or aborted). */
  ended: Promise<void>;
  /** Drops the connection, as a closing tab would. */
  abort(): void;
}

/** Opens an SSE response and parses events as they arrive. */
export async function openSse(
  url: string,
  init: { method?: string; token: string; body?: unknown; headers?: Record<string, string> },
): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${init.token}`,
      accept: 'text/event-stream',
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: controller.signal,
  });
  const events: ParleyEvent[] = [];
  const waiters: { pred: (e: ParleyEvent) => boolean; resolve(e: ParleyEvent): void }[] = [];
  let done = false;
  const rejectAll: Array<(err: Error) => void> = [];
  const ended = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as ParleyEvent;
          events.push(event);
          for (const w of [...waiters]) {
            if (w.pred(event)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(event);
            }
          }
        }
      }
    } catch {
      /* aborted or cut */
    } finally {
      done = true;
      for (const r of rejectAll) r(new Error('the stream ended first'));
    }
  })();
  return {
    status: res.status,
    events,
    ended,
    abort: () => controller.abort(),
    waitFor(pred) {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      if (done) return Promise.reject(new Error('the stream ended first'));
      return new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        rejectAll.push(reject);
      });
    },
  };
}

export const textOf = (events: ParleyEvent[]): string =>
  events.map((e) => (e.type === 'text.delta' ? e.delta : '')).join('');

export const lastOf = (events: ParleyEvent[]): ParleyEvent | undefined =>
  [...events].reverse().find(isTerminalEvent);
