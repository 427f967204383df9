import { isParleyError } from '@parley/sdk';
import type { ErrorBody } from '@parley/sdk';

/**
 * Turns any failure (a thrown SDK error, or the error of a `response.failed`
 * event) into one short sentence for the visitor. What a site owner must fix
 * (a forbidden origin, a bad key) also goes to the console.
 */
export function describeError(err: unknown): string {
  const e = isParleyError(err) ? err : isErrorBody(err) ? { ...err, status: 0, name: '' } : null;
  if (!e) return 'Something went wrong. Please try again.';
  if (e.name === 'APIConnectionError' || e.name === 'APIConnectionTimeoutError') {
    return "Can't reach the assistant. Check your connection and try again.";
  }
  switch (e.code) {
    case 'rate_limited':
    case 'quota_exceeded': {
      const after = (err as { retryAfter?: number }).retryAfter;
      return after
        ? `You're sending messages too quickly. Try again in ${Math.ceil(after)} s.`
        : "You're sending messages too quickly. Try again in a moment.";
    }
    case 'forbidden':
      console.warn('[parley]', e.message);
      return 'The chat is not available on this page right now.';
    case 'unauthorized':
      return 'Your chat session has ended. Retry to start a new conversation.';
    case 'conversation_busy':
      return 'The assistant is still answering another message. Try again in a moment.';
    case 'provider_unavailable':
    case 'provider_error':
    case 'service_unavailable':
      return 'The assistant is unavailable right now. Try again in a moment.';
    case 'invalid_request':
      return e.message;
    default:
      return 'Something went wrong. Please try again.';
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof (value as ErrorBody | null)?.code === 'string';
}
