import type { ParleyEvent } from '../protocol/events.js';
import type { MockBackend, MockFailure } from './mock-backend.js';
import { fail, MockHttpError } from './mock-backend.js';

/** A request the mock received, for assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

type Failure = { method?: string; path: string | RegExp; failure: MockFailure };

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': 'mock-request', ...headers },
  });

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** A `fetch` that answers the Parley REST + SSE API from a MockBackend. */
export function mockFetch(
  backend: MockBackend,
  requests: RecordedRequest[],
  failures: Failure[],
): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const body =
      typeof init.body === 'string'
        ? (JSON.parse(init.body) as Record<string, unknown>)
        : undefined;
    const path = url.pathname;
    requests.push({ method, path, body });
    if (init.signal?.aborted) throw new DOMException('The operation was aborted', 'AbortError');
    const i = failures.findIndex(
      (f) =>
        (!f.method || f.method === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    if (i >= 0) {
      const { failure } = failures.splice(i, 1)[0]!;
      const err = new MockHttpError(
        failure.status ?? 500,
        { code: failure.code, message: failure.message ?? failure.code },
        failure.retryAfter,
      );
      return json(
        err.status,
        { error: err.body },
        err.retryAfter === undefined ? {} : { 'retry-after': String(err.retryAfter) },
      );
    }
    try {
      return route(
        backend,
        method,
        path,
        url.searchParams,
        body ?? {},
        headers,
        init.signal ?? undefined,
      );
    } catch (err) {
      if (!(err instanceof MockHttpError)) throw err;
      return json(err.status, { error: err.body });
    }
  };
}

function route(
  b: MockBackend,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Record<string, unknown>,
  headers: Headers,
  signal: AbortSignal | undefined,
): Response {
  if (method === 'POST' && path === '/v1/sessions') {
    if (!/^Bearer (sk|pk)_/.test(headers.get('authorization') ?? ''))
      throw fail('unauthorized', 'Missing API key');
    return json(201, b.issue());
  }
  if (method === 'POST' && path === '/v1/sessions/refresh')
    return json(200, b.refresh(String(body.refreshToken)));
  b.authorize(headers.get('authorization'));
  const [, , , id, sub] = path.split('/');
  if (path === '/v1/conversations') {
    if (method === 'POST')
      return json(201, b.createConversation((body.title as string | undefined) ?? null));
    const all = [...b.conversations.values()].map((c) => c.conversation).reverse();
    const start = Number(query.get('cursor') ?? 0);
    const limit = Number(query.get('limit') ?? 20);
    const data = all.slice(start, start + limit);
    return json(200, {
      data,
      nextCursor: start + limit < all.length ? String(start + limit) : null,
    });
  }
  const c = b.conversation(id!);
  if (!sub) {
    if (method === 'DELETE') {
      b.conversations.delete(id!);
      return json(204, null);
    }
    if (method === 'PATCH') c.conversation.title = body.title as string;
    return json(200, c.conversation);
  }
  if (method === 'GET') {
    const after = Number(query.get('afterSeq') ?? -1);
    return json(200, { data: c.messages.filter((m) => m.seq > after), nextCursor: null });
  }
  const events = b.turn(
    id!,
    String(body.content),
    body.clientMessageId as string | undefined,
    () => signal?.aborted ?? false,
  );
  let head: IteratorResult<ParleyEvent> | undefined = events.next(); // refusals are HTTP errors, as on the server
  const enc = new TextEncoder();
  const drain = (): void => {
    for (const _ of events) void _; // runs the turn to its end: the partial answer is stored
  };
  const stream = new ReadableStream<Uint8Array>({
    start(ctl) {
      signal?.addEventListener('abort', () => {
        drain();
        ctl.error(new DOMException('The operation was aborted', 'AbortError'));
      });
    },
    async pull(ctl) {
      await tick(); // one event per macrotask, so a cancel can land mid-answer
      if (signal?.aborted) return;
      const next = head ?? events.next();
      head = undefined;
      if (next.done) return ctl.close();
      const e = next.value;
      ctl.enqueue(enc.encode(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));
    },
    cancel: drain,
  });
  return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}
