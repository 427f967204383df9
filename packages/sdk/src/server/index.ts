/**
 * `@parley/sdk/server`: helpers for your backend (Node's crypto only; never
 * bundle this into a browser page — it handles your secrets).
 *
 * @packageDocumentation
 */
export { signIdentityToken } from './identity-token.js';
export type { IdentitySecret, IdentityUser, SignIdentityOptions } from './identity-token.js';
export {
  signWebhook,
  verifyWebhook,
  WEBHOOK_HEADERS,
  WebhookVerificationError,
} from './webhook-signature.js';
export type { VerifyWebhookOptions, WebhookHeaders } from './webhook-signature.js';
