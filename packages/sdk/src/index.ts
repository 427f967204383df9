export { createClient } from './client.js';
export type { Clock } from './clock.js';
export type { ClientOptions, ParleyClient } from './client.js';
export type { AuthOptions } from './session/session-manager.js';
export type { Storage } from './session/storage.js';
export type { AccountsApi, IdentifiedSession } from './session/auth-flows.js';
export type { PendingApproval, ToolAnswer, ToolsApi } from './tools/tools-api.js';
export type { ClientTool } from './tools/client-tools.js';
export type { ConversationsApi } from './resources/conversations.js';
export type { MessagesApi, SendOptions } from './resources/messages.js';
export type { MeApi, MemoriesApi, RecallResponse, UserExport } from './memories.js';
export type { CallOptions } from './resources/call-options.js';
export type { EventOf } from './streaming/message-stream.js';
export { MessageStream } from './streaming/message-stream.js';
export type { WebSocketConstructor } from './ws/ws-transport.js';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  isParleyError,
  NotFoundError,
  ParleyError,
  PermissionDeniedError,
  RateLimitError,
} from './errors.js';
export type { ParleyErrorInit } from './errors.js';
export * from './protocol/index.js';
