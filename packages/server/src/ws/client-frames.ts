import type { ClientFrame, ClientFrameType } from '@parley/sdk/protocol';
import { DomainError, invalid } from '../errors/domain-error.js';
import { check } from '../http/validate.js';
import { sendMessageSchema } from '../routes/messages.js';

const id = { type: 'string', minLength: 1, maxLength: 100 };

function frame(required: string[], properties: Record<string, object>): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['type', ...required],
    properties: {
      type: { type: 'string' },
      ref: { type: 'string', maxLength: 100 },
      ...properties,
    },
  };
}

/** One schema per frame type; `message.send` shares its limits with the REST route. */
const SCHEMAS: Record<ClientFrameType, object> = {
  auth: frame(['token'], { token: { type: 'string', minLength: 1, maxLength: 4096 } }),
  'message.send': frame(['conversationId', 'content'], {
    conversationId: id,
    ...sendMessageSchema.properties,
  }),
  'response.cancel': frame(['conversationId'], { conversationId: id }),
  'tool.result': frame(['toolCallId'], {
    toolCallId: id,
    result: {},
    error: { type: 'string', maxLength: 10_000 },
  }),
  'tool.approval': frame(['toolCallId', 'approved'], {
    toolCallId: id,
    approved: { type: 'boolean' },
  }),
  subscribe: frame(['conversationId'], {
    conversationId: id,
    afterSeq: { type: 'integer', minimum: 0 },
  }),
  ping: frame([], {}),
};

/** A frame that was refused; `ref` is echoed so the client can match the error. */
export class FrameError extends Error {
  constructor(
    readonly apiError: DomainError,
    readonly ref: string | undefined,
  ) {
    super(apiError.message);
  }
}

/**
 * The client's `ref` from the start of a frame too large to parse, so even
 * that error can be matched. Best effort: the SDK writes `ref` first.
 */
function peekRef(data: Buffer): string | undefined {
  return /"ref"\s*:\s*"([^"\\]{1,100})"/.exec(data.subarray(0, 256).toString('utf8'))?.[1];
}

/** Size, JSON, type and shape checks for one incoming frame; throws FrameError. */
export function parseClientFrame(data: Buffer, isBinary: boolean, maxBytes: number): ClientFrame {
  if (data.length > maxBytes) {
    throw new FrameError(
      new DomainError('payload_too_large', `Frames are limited to ${maxBytes} bytes`, {
        size: data.length,
        limit: maxBytes,
      }),
      peekRef(data),
    );
  }
  if (isBinary)
    throw new FrameError(invalid('Binary frames are not supported; send JSON text'), undefined);
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    throw new FrameError(invalid('Frame is not valid JSON'), undefined);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError(invalid('Frame must be a JSON object with a "type"'), undefined);
  }
  const { type, ref } = value as { type?: unknown; ref?: unknown };
  const safeRef = typeof ref === 'string' && ref.length <= 100 ? ref : undefined;
  const schema = typeof type === 'string' ? SCHEMAS[type as ClientFrameType] : undefined;
  if (!schema || !Object.prototype.hasOwnProperty.call(SCHEMAS, type as string)) {
    throw new FrameError(
      invalid(`Unknown frame type`, { type: typeof type === 'string' ? type.slice(0, 50) : null }),
      safeRef,
    );
  }
  const issues = check(schema, value);
  if (issues.length > 0)
    throw new FrameError(invalid(`Invalid ${type as string} frame`, issues), safeRef);
  return value as ClientFrame;
}
