import type { Logger } from 'pino';

/** What middleware leaves on `ctx.state` for handlers. */
export interface UserAuth {
  tenantId: string;
  userId: string;
  sessionFamilyId: string;
}

export interface KeyAuth {
  keyId: string;
  tenantId: string;
  type: 'secret' | 'publishable';
}

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
  interface DefaultState {
    requestId: string;
    log: Logger;
    user?: UserAuth;
    apiKey?: KeyAuth;
    /** Validated params, query and body (http/routing/build-router.ts). */
    input?: unknown;
  }
}
