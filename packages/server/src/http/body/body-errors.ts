import { DomainError } from '../../errors/domain-error.js';

export function tooLarge(limitBytes: number): DomainError {
  return new DomainError('payload_too_large', `Request body is larger than ${limitBytes} bytes`, {
    reason: 'body_too_large',
    limitBytes,
  });
}
