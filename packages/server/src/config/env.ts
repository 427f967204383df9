import path from 'node:path';
import type { LlmConfig } from './provider-env.js';
import { loadLlmConfig } from './provider-env.js';
import type { LimitDefaults } from './limits-env.js';
import { loadLimitDefaults, loadPreviousJwtSecrets } from './limits-env.js';
import type { WsCaps } from './ws-env.js';
import { loadWsCaps } from './ws-env.js';
import type { ToolsConfig } from '../tools/tools-config.js';
import { loadToolsConfig } from '../tools/tools-config.js';

/** Validated server configuration. Built once from the environment at start. */
export interface ServerConfig {
  port: number;
  host: string;
  /** `null` selects the embedded PGlite database in `dataDir`. */
  databaseUrl: string | null;
  /** `null` selects the in-process queue, pub/sub and rate limiter. */
  redisUrl: string | null;
  /** PARLEY_REDIS_PREFIX: key prefix, so several deployments can share one Redis. */
  redisPrefix: string;
  dataDir: string;
  adminToken: string | null;
  jwtSecret: string;
  /** Old signing secrets, accepted for verification only, so rotating logs nobody out. */
  jwtPreviousSecrets: string[];
  /** Rate-limit and quota defaults; tenant settings override them (config/limits-env.ts). */
  limits: LimitDefaults;
  jwtAccessTtlSeconds: number;
  refreshTtlSeconds: number;
  openaiApiKey: string | null;
  openaiBaseUrl: string | null;
  anthropicApiKey: string | null;
  /** GOOGLE_API_KEY or GEMINI_API_KEY: enables the `google` (Gemini) provider. */
  googleApiKey: string | null;
  /** Compatible endpoints, default chain, first-token timeout, breaker, prices (provider-env.ts). */
  llm: LlmConfig;
  weatherApiKey: string | null;
  defaultModel: string;
  logLevel: string;
  bodyLimitBytes: number;
  publicUrl: string | null;
  trustProxy: boolean;
  /** Pause between offline-provider words, so streaming is visible in the demo. */
  offlineWordDelayMs: number;
  /**
   * `all`: HTTP and background jobs in one process (default). `api`: HTTP only,
   * jobs go to Redis for `worker` processes, so extraction never takes CPU
   * from streaming turns.
   */
  role: 'all' | 'api' | 'worker';
  /** Tools: plugins, timeouts, step limit, web search backends (tools/tools-config.ts). */
  tools: ToolsConfig;
  /** WebSocket caps: connections per user and per instance, frame rate (config/ws-env.ts). */
  ws: WsCaps;
  /**
   * Memory embedder: `hashing` (offline, default), `openai` (text-embedding-3-small) or
   * `local` (a sentence-embedding model shipped in an npm package, run in a worker thread).
   */
  embedder: 'hashing' | 'openai' | 'local';
  /** Width of the embedding columns; must match the database (checked at start). */
  embeddingDimensions: number;
  /** Time a turn waits for memory recall before answering without it. */
  memoryRecallBudgetMs: number;
  /** How often the memory cleanup job runs; 0 disables it. */
  memoryCleanupIntervalMs: number;
  /**
   * PARLEY_TURN_LEASE_MS: how long a turn owns its conversation without
   * renewing; a crashed process's conversations are free again after this.
   */
  turnLeaseMs: number;
  /**
   * PARLEY_DRAIN_TIMEOUT_MS: on SIGTERM, how long running answers may take
   * to finish before they are stored as incomplete (keep it below the
   * orchestrator's grace period, e.g. Kubernetes' 30 s).
   */
  drainTimeoutMs: number;
  /**
   * PARLEY_RESUME_GRACE_MS: when the client that started an answer drops,
   * the answer goes on this long for it (or another tab) to resume; then,
   * with nobody following, it stops and is kept as incomplete.
   */
  resumeGraceMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | null {
  const v = env[name]?.trim();
  return v ? v : null;
}

function int(env: Env, name: string, fallback: number, problems: string[], min = 1): number {
  const raw = str(env, name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    problems.push(`${name} must be an integer >= ${min} (got "${raw}")`);
    return fallback;
  }
  return n;
}

function url(env: Env, name: string, protocols: string[], problems: string[]): string | null {
  const raw = str(env, name);
  if (raw === null) return null;
  try {
    const u = new URL(raw);
    if (!protocols.includes(u.protocol)) {
      problems.push(`${name} must use ${protocols.join(' or ')} (got "${u.protocol}")`);
    }
  } catch {
    problems.push(`${name} is not a valid URL`);
  }
  return raw;
}

/**
 * Reads the conventional environment names. Every bad value is reported at
 * once so an operator fixes them in one pass.
 */
export function loadConfig(
  env: Env = process.env,
  overrides: Partial<ServerConfig> = {},
): ServerConfig {
  const problems: string[] = [];
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], problems);
  const jwtSecret = str(env, 'JWT_SECRET_KEY');
  if (jwtSecret !== null && jwtSecret.length < 32) {
    problems.push('JWT_SECRET_KEY must be at least 32 characters');
  }
  if (databaseUrl && jwtSecret === null && !overrides.jwtSecret) {
    problems.push('JWT_SECRET_KEY is required when DATABASE_URL is set (production mode)');
  }
  const adminToken = str(env, 'PARLEY_ADMIN_TOKEN');
  if (adminToken !== null && adminToken.length < 16) {
    problems.push('PARLEY_ADMIN_TOKEN must be at least 16 characters');
  }
  const logLevel = str(env, 'LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  const config: ServerConfig = {
    port: int(env, 'PORT', 3000, problems, 0),
    host: str(env, 'HOST') ?? '127.0.0.1',
    databaseUrl,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], problems),
    dataDir: path.resolve(str(env, 'PARLEY_DATA_DIR') ?? '.parley/data'),
    adminToken,
    // Embedded mode generates and persists a secret (see embedded-secrets.ts).
    jwtSecret: jwtSecret ?? '',
    jwtPreviousSecrets: loadPreviousJwtSecrets(env, problems),
    limits: loadLimitDefaults(env, problems),
    jwtAccessTtlSeconds: int(env, 'JWT_ACCESS_TOKEN_EXPIRE_MINUTES', 15, problems) * 60,
    refreshTtlSeconds: int(env, 'JWT_REFRESH_TOKEN_EXPIRE_DAYS', 30, problems) * 86400,
    openaiApiKey: str(env, 'OPENAI_API_KEY'),
    openaiBaseUrl: url(env, 'OPENAI_BASE_URL', ['http:', 'https:'], problems),
    anthropicApiKey: str(env, 'ANTHROPIC_API_KEY'),
    googleApiKey: str(env, 'GOOGLE_API_KEY') ?? str(env, 'GEMINI_API_KEY'),
    llm: loadLlmConfig(env, problems),
    weatherApiKey: str(env, 'WEATHER_API_KEY'),
    defaultModel: str(env, 'PARLEY_DEFAULT_MODEL') ?? 'gpt-4o-mini',
    logLevel,
    bodyLimitBytes: int(env, 'PARLEY_BODY_LIMIT_BYTES', 256 * 1024, problems),
    publicUrl: url(env, 'PARLEY_PUBLIC_URL', ['http:', 'https:'], problems),
    trustProxy: str(env, 'PARLEY_TRUST_PROXY') === 'true',
    offlineWordDelayMs: int(env, 'PARLEY_OFFLINE_WORD_DELAY_MS', 20, problems, 0),
    role: roleOf(env, problems),
    tools: loadToolsConfig(env, problems),
    ws: loadWsCaps(env, problems),
    embedder: embedderName(env, problems),
    embeddingDimensions: int(env, 'PARLEY_EMBEDDING_DIMENSIONS', 512, problems),
    memoryRecallBudgetMs: int(env, 'PARLEY_MEMORY_RECALL_BUDGET_MS', 50, problems),
    memoryCleanupIntervalMs: int(
      env,
      'PARLEY_MEMORY_CLEANUP_INTERVAL_MS',
      6 * 3_600_000,
      problems,
      0,
    ),
    turnLeaseMs: int(env, 'PARLEY_TURN_LEASE_MS', 10_000, problems, 300),
    redisPrefix: str(env, 'PARLEY_REDIS_PREFIX') ?? 'parley:',
    resumeGraceMs: int(env, 'PARLEY_RESUME_GRACE_MS', 10_000, problems, 0),
    drainTimeoutMs: int(env, 'PARLEY_DRAIN_TIMEOUT_MS', 20_000, problems, 0),
    ...overrides,
  };
  if (config.embedder === 'openai' && !config.openaiApiKey) {
    problems.push('PARLEY_EMBEDDER=openai needs OPENAI_API_KEY');
  }
  if (config.role !== 'all' && !config.redisUrl) {
    problems.push(
      `PARLEY_ROLE=${config.role} needs REDIS_URL: jobs can only reach a worker through Redis`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function roleOf(env: Env, problems: string[]): ServerConfig['role'] {
  const raw = str(env, 'PARLEY_ROLE') ?? 'all';
  if (raw === 'all' || raw === 'api' || raw === 'worker') return raw;
  problems.push(`PARLEY_ROLE must be all, api or worker (got "${raw}")`);
  return 'all';
}

function embedderName(env: Env, problems: string[]): ServerConfig['embedder'] {
  const v = str(env, 'PARLEY_EMBEDDER') ?? 'hashing';
  if (v === 'hashing' || v === 'openai' || v === 'local') return v;
  problems.push(`PARLEY_EMBEDDER must be hashing, openai or local (got "${v}")`);
  return 'hashing';
}
