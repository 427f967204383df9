import { randomBytes } from 'node:crypto';
import { toGeminiRequest } from './gemini-contents.js';
import type {
  ChatProvider,
  FinishReason,
  ProviderChunk,
  ProviderRequest,
  TokenUsage,
  ToolCallRequest,
} from './provider.js';
import { ProviderError } from './provider.js';
import {
  endedEarly,
  isRetryableStatus,
  malformed,
  statusError,
  thrownError,
} from './provider-errors.js';
import { readSse } from './sse-lines.js';

export interface GoogleProviderOptions {
  apiKey: string;
  baseURL?: string;
  /** Time allowed until the response headers arrive; the agent handles first-token budgets. */
  timeoutMs?: number;
}

interface GeminiChunk {
  candidates?: Array<{
    content?: {
      parts?: Array<{
        text?: string;
        thought?: boolean;
        functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
        thoughtSignature?: string;
      }>;
    };
    finishReason?: string;
  }>;
  promptFeedback?: { blockReason?: string };
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
  };
  error?: { code?: number; message?: string; status?: string };
}

/** Google Gemini over REST (`streamGenerateContent?alt=sse`); no SDK, one fetch. */
export class GoogleProvider implements ChatProvider {
  readonly id = 'google';
  readonly offline = false;
  private readonly baseURL: string;

  constructor(private readonly opts: GoogleProviderOptions) {
    this.baseURL = (opts.baseURL ?? 'https://generativelanguage.googleapis.com').replace(
      /\/+$/,
      '',
    );
  }

  async *stream(req: ProviderRequest): AsyncIterable<ProviderChunk> {
    const path = req.model.includes('/') ? req.model : `models/${req.model}`;
    // One controller for headers timeout and the caller's cancel, alive for the whole body.
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(req.signal.reason);
    req.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.post(
        `${this.baseURL}/v1beta/${path}:streamGenerateContent?alt=sse`,
        JSON.stringify(toGeminiRequest(req.messages, req.tools, req.maxOutputTokens)),
        controller,
        req.signal,
      );
      // Node's web ReadableStream is async-iterable; the DOM lib typings (widget tests) don't say so.
      yield* readStream(res.body as unknown as AsyncIterable<Uint8Array>);
    } finally {
      req.signal.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  private async post(
    url: string,
    body: string,
    controller: AbortController,
    callerSignal: AbortSignal,
  ): Promise<Response> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.opts.timeoutMs ?? 60_000);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': this.opts.apiKey },
        body,
        signal: controller.signal,
      });
    } catch (err) {
      const fail = (message: string, retryable: boolean): ProviderError =>
        new ProviderError(message, { retryable, cause: err });
      if (callerSignal.aborted) throw fail('Request aborted', false);
      if (timedOut) throw fail('google timed out before responding', true);
      throw fail(`google unreachable: ${String(err)}`, true);
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok || !res.body) {
      const err = parseError(await res.text().catch(() => ''));
      const e = statusError('google', res.status, res.headers, err?.message ?? res.statusText);
      const delay = e.retryAfterMs ?? retryDelay(err);
      throw new ProviderError(e.message, {
        retryable: e.retryable,
        status: res.status,
        retryAfterMs: delay,
      });
    }
    return res;
  }
}

async function* readStream(body: AsyncIterable<Uint8Array>): AsyncIterable<ProviderChunk> {
  const calls: ToolCallRequest[] = [];
  let finishRaw: string | null = null;
  let usage: TokenUsage | null = null;
  try {
    for await (const ev of readSse(body)) {
      let chunk: GeminiChunk;
      try {
        chunk = JSON.parse(ev.data) as GeminiChunk;
      } catch (err) {
        throw malformed('google', 'a data line is not JSON', err);
      }
      if (chunk.error) {
        const status = chunk.error.code;
        throw new ProviderError(
          `google failed mid-stream: ${chunk.error.status ?? ''} ${chunk.error.message ?? ''}`,
          { retryable: status === undefined || isRetryableStatus(status), status: status },
        );
      }
      const u = chunk.usageMetadata;
      // usageMetadata is cumulative; thinking tokens are billed as output.
      if (u) {
        usage = {
          inputTokens: u.promptTokenCount ?? 0,
          outputTokens: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
        };
      }
      const cand = chunk.candidates?.[0];
      for (const part of cand?.content?.parts ?? []) {
        if (part.thought) continue; // thought summaries are not the answer
        if (part.text) yield { type: 'text', text: part.text };
        if (part.functionCall) {
          calls.push({
            // Gemini rarely sends ids; the tool loop needs one to pair results.
            id: part.functionCall.id ?? `call_${randomBytes(9).toString('base64url')}`,
            name: part.functionCall.name,
            argsJson: JSON.stringify(part.functionCall.args ?? {}),
            ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}),
          });
        }
      }
      if (cand?.finishReason) finishRaw = cand.finishReason;
      else if (chunk.promptFeedback?.blockReason) finishRaw = 'SAFETY';
    }
  } catch (err) {
    throw thrownError('google', err);
  }
  // Gemini has no terminator event: a stream without a finishReason was cut off.
  if (finishRaw === null) throw endedEarly('google');
  for (const call of calls) yield { type: 'tool-call', call };
  yield { type: 'finish', reason: mapFinish(finishRaw, calls.length > 0), usage };
}

/** Gemini reports STOP for function calls too. */
function mapFinish(reason: string, calledTools: boolean): FinishReason {
  switch (reason) {
    case 'STOP':
      return calledTools ? 'tool_calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'content_filter';
    default:
      return 'other';
  }
}

interface GoogleErrorBody {
  message?: string;
  details?: Array<{ '@type'?: string; retryDelay?: string }>;
}

function parseError(text: string): GoogleErrorBody | null {
  try {
    return ((JSON.parse(text) as { error?: GoogleErrorBody }).error ??
      null) as GoogleErrorBody | null;
  } catch {
    return null;
  }
}

/** Gemini's 429 carries `google.rpc.RetryInfo{retryDelay:"38s"}` instead of Retry-After. */
function retryDelay(err: GoogleErrorBody | null): number | undefined {
  const info = err?.details?.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'));
  const s = Number.parseFloat(info?.retryDelay ?? '');
  return Number.isFinite(s) ? s * 1000 : undefined;
}
