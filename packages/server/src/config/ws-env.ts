/** Caps of the WebSocket endpoint; each can be set from the environment. */
export interface WsCaps {
  /** PARLEY_WS_MAX_CONNECTIONS_PER_USER: open sockets per end user on one instance. */
  maxConnectionsPerUser: number;
  /** PARLEY_WS_MAX_CONNECTIONS: open sockets per instance (memory and file descriptors). */
  maxConnections: number;
  /** PARLEY_WS_FRAME_BURST: frames (messages and pings) a socket may send at once. */
  frameBurst: number;
  /** PARLEY_WS_FRAMES_PER_SECOND: the steady frame rate after the burst. */
  framesPerSecond: number;
}

export const DEFAULT_WS_CAPS: WsCaps = {
  maxConnectionsPerUser: 20,
  maxConnections: 20_000,
  frameBurst: 50,
  framesPerSecond: 20,
};

type Env = Record<string, string | undefined>;

const VARS: Record<keyof WsCaps, string> = {
  maxConnectionsPerUser: 'PARLEY_WS_MAX_CONNECTIONS_PER_USER',
  maxConnections: 'PARLEY_WS_MAX_CONNECTIONS',
  frameBurst: 'PARLEY_WS_FRAME_BURST',
  framesPerSecond: 'PARLEY_WS_FRAMES_PER_SECOND',
};

export function loadWsCaps(env: Env, problems: string[]): WsCaps {
  const caps = { ...DEFAULT_WS_CAPS };
  for (const [field, name] of Object.entries(VARS) as [keyof WsCaps, string][]) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1)
      problems.push(`${name} must be an integer >= 1 (got "${raw}")`);
    else caps[field] = n;
  }
  return caps;
}
