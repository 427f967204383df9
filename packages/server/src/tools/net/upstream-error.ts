/**
 * A service a tool called answered with an error status. The message (and the
 * body excerpt, if any) is for the server log; the model and the visitor get
 * a generic sentence (tools/runtime/tool-failure.ts).
 */
export class UpstreamHttpError extends Error {
  readonly code = 'upstream_http_error';
  constructor(
    readonly service: string,
    readonly status: number,
    readonly bodyExcerpt = '',
  ) {
    super(`${service} answered HTTP ${status}${bodyExcerpt ? `: ${bodyExcerpt}` : ''}`);
    this.name = 'UpstreamHttpError';
  }
}
