/** Server-wide tool settings, read from the environment once at start. */
export interface ToolsConfig {
  /** PARLEY_TOOL_PLUGINS: module specifiers or file paths, each exporting tools. */
  plugins: string[];
  /** Per-call limit when a tool names none (PARLEY_TOOL_TIMEOUT_MS). */
  defaultTimeoutMs: number;
  /** Model ↔ tool round trips in one turn (PARLEY_MAX_TOOL_STEPS). */
  maxSteps: number;
  /** How long a `needsApproval` call waits for the user; then it is denied. */
  approvalTimeoutMs: number;
  /** How long a client-side tool call waits for the SDK/widget's result. */
  clientToolTimeoutMs: number;
  webSearch: {
    /** Backend used when a tenant configures none; null = web_search is off by default. */
    backend: 'tavily' | 'brave' | 'searxng' | null;
    tavilyApiKey: string | null;
    braveApiKey: string | null;
    searxngUrl: string | null;
    cacheTtlMs: number;
  };
  /**
   * TEST-ONLY escape hatch of the SSRF guard: addresses listed here may be
   * reached although private/loopback. Never read from the environment.
   */
  unsafeAllowedAddresses: string[];
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | null {
  const v = env[name]?.trim();
  return v ? v : null;
}

function int(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = str(env, name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    problems.push(`${name} must be an integer >= 1 (got "${raw}")`);
    return fallback;
  }
  return n;
}

const BACKENDS = ['tavily', 'brave', 'searxng'] as const;

export function loadToolsConfig(env: Env, problems: string[]): ToolsConfig {
  const tavilyApiKey = str(env, 'TAVILY_API_KEY');
  const braveApiKey = str(env, 'BRAVE_SEARCH_API_KEY');
  const searxngUrl = str(env, 'SEARXNG_URL');
  if (searxngUrl !== null && !/^https?:\/\//.test(searxngUrl)) {
    problems.push('SEARXNG_URL must be an http(s) URL');
  }
  let backend = str(env, 'PARLEY_WEB_SEARCH') as ToolsConfig['webSearch']['backend'];
  if (backend !== null && !BACKENDS.includes(backend)) {
    problems.push(`PARLEY_WEB_SEARCH must be one of ${BACKENDS.join(', ')} (got "${backend}")`);
    backend = null;
  }
  // Without an explicit choice, the first backend that has credentials wins.
  backend ??= tavilyApiKey ? 'tavily' : braveApiKey ? 'brave' : searxngUrl ? 'searxng' : null;
  return {
    plugins: (str(env, 'PARLEY_TOOL_PLUGINS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    defaultTimeoutMs: int(env, 'PARLEY_TOOL_TIMEOUT_MS', 15_000, problems),
    maxSteps: int(env, 'PARLEY_MAX_TOOL_STEPS', 5, problems),
    approvalTimeoutMs: int(env, 'PARLEY_TOOL_APPROVAL_TIMEOUT_MS', 120_000, problems),
    clientToolTimeoutMs: int(env, 'PARLEY_CLIENT_TOOL_TIMEOUT_MS', 60_000, problems),
    webSearch: {
      backend,
      tavilyApiKey,
      braveApiKey,
      searxngUrl,
      cacheTtlMs: int(env, 'PARLEY_WEB_SEARCH_CACHE_MS', 10 * 60_000, problems),
    },
    unsafeAllowedAddresses: [],
  };
}
