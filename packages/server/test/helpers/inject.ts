import type http from 'node:http';
import { inject as lightInject } from 'light-my-request';

export interface InjectedResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  /** Parsed JSON body, or null when there is none or it is not JSON. */
  body: any;
}

/**
 * Calls the app in process, without a socket, with the method and path
 * exactly as given: light-my-request would normalise the path through
 * `new URL` (`/./`, `..` and `\` would vanish), and fetch refuses TRACE and
 * CONNECT, so both are set on the request just before the app sees it.
 */
export async function inject(
  handler: http.RequestListener,
  req: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<InjectedResponse> {
  const res = await lightInject(
    (incoming, outgoing) => {
      incoming.method = req.method;
      incoming.url = req.path;
      handler(incoming, outgoing);
    },
    {
      method: 'GET',
      url: '/',
      headers: req.headers ?? {},
      payload: req.body,
      validate: false,
    },
  );
  let body: unknown = null;
  try {
    body = res.payload ? JSON.parse(res.payload) : null;
  } catch {
    body = null;
  }
  return { status: res.statusCode, headers: res.headers, text: res.payload, body };
}
