import { ERROR_STATUS } from '@parley/sdk/protocol';
import type { ErrorCode } from '@parley/sdk/protocol';

/** The HTTP status of an error code (one table, owned by the wire protocol). */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
