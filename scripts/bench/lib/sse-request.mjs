import http from 'node:http';

/** One keep-alive pool for every measured request, so connection setup is not in the numbers. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * POSTs JSON and reads a streamed answer. `firstToken(text)` says whether the
 * bytes so far contain the first token; its time is taken when the chunk that
 * holds it arrives. Resolves with the whole body when the response ends.
 */
export function streamPost(url, { headers = {}, body, firstToken, onFirstToken }) {
  const u = new URL(url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let ttftMs = null;
    let text = '';
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          accept: 'text/event-stream',
          ...headers,
        },
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
          if (ttftMs === null && firstToken(text)) {
            ttftMs = performance.now() - started;
            onFirstToken?.();
          }
        });
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`HTTP ${res.statusCode} from ${u.pathname}: ${text.slice(0, 300)}`));
            return;
          }
          resolve({ ttftMs, totalMs: performance.now() - started, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Plain JSON request for setup calls (not measured). */
export async function json(method, url, { token, body, headers = {} } = {}) {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(
      `${method} ${new URL(url).pathname} → HTTP ${res.status}: ${text.slice(0, 300)}`,
    );
  return text ? JSON.parse(text) : null;
}
