import type { JSONSchema, ToolDefinition } from '../define-tool.js';
import { defineTool } from '../define-tool.js';
import { readTextCapped } from '../net/safe-fetch.js';
import { UpstreamHttpError } from '../net/upstream-error.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from './signature.js';

/** What a tenant registers (stored in `tools.config` of a `kind = 'http'` row). */
export interface HttpToolConfig {
  url: string;
  description: string;
  parameters: JSONSchema;
  /** HMAC key; shown once at creation, never returned again. */
  secret: string;
  needsApproval?: boolean;
  timeoutMs?: number;
}

const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * A tenant's HTTP tool: Parley POSTs the validated arguments as JSON, signed
 * with the tool's secret, through the SSRF-safe fetch (ctx.fetch), and hands
 * the JSON (or text) answer to the model.
 */
export function httpTool(name: string, cfg: HttpToolConfig): ToolDefinition {
  return defineTool({
    name,
    service: 'the tool endpoint',
    description: cfg.description,
    parameters: cfg.parameters,
    needsApproval: cfg.needsApproval ?? false,
    timeoutMs: cfg.timeoutMs,
    async execute(args, ctx) {
      const body = JSON.stringify({
        tool: name,
        arguments: args,
        toolCallId: ctx.toolCallId,
        conversationId: ctx.conversationId,
        userId: ctx.userId,
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await ctx.fetch(cfg.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/plain',
          'user-agent': 'Parley-Tools/1',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: sign(cfg.secret, timestamp, body),
        },
        body,
        signal: ctx.signal,
      });
      const text = await readTextCapped(res, MAX_RESPONSE_BYTES);
      // A 4xx is the endpoint's answer about these arguments: the model may read it.
      // A 5xx is a broken server: its body (stack traces…) goes to the log only.
      if (res.status >= 500)
        throw new UpstreamHttpError('The tool endpoint', res.status, text.slice(0, 300));
      if (!res.ok) {
        throw new Error(
          `The tool endpoint answered HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ''}`,
        );
      }
      if (!text) return null;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    },
  });
}
