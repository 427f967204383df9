/** REST resources as they appear on the wire (JSON, ISO dates, camelCase). */

export type MessageRole = 'user' | 'assistant' | 'tool' | 'system';
/** `incomplete`: the stream was cut (cancel, disconnect, provider failure mid-answer). */
export type MessageStatus = 'complete' | 'incomplete' | 'failed';

/** Tokens an answer used. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** A stored message of a conversation. */
export interface Message {
  id: string;
  conversationId: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  seq: number;
  createdAt: string;
  clientMessageId?: string | null;
  provider?: string | null;
  model?: string | null;
  /** True when the offline provider (no model) produced this answer. */
  offline?: boolean;
  usage?: Usage | null;
}

/** A conversation of the signed-in user. */
export interface Conversation {
  id: string;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
}

/** One page of a list; pass `nextCursor` back for the next. */
export interface Page<T> {
  data: T[];
  /** Pass as `cursor` to fetch the next page; null on the last page. */
  nextCursor: string | null;
}

/** The signed-in end user. */
export interface EndUser {
  id: string;
  externalId: string | null;
  anonymous: boolean;
  name?: string | null;
  email?: string | null;
}

/** An access token (short-lived) and the refresh token that renews it. */
export interface SessionTokens {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  user: EndUser;
}

/** Non-streamed answer to `POST /v1/conversations/:id/messages`. */
export interface TurnResult {
  message: Message;
  response: Message;
}

/** What kind of thing a memory is. */
export type MemoryKind = 'fact' | 'preference' | 'event' | 'goal';

/** Something the agent remembers about the signed-in user. */
export interface Memory {
  id: string;
  /** Third person and self-contained, e.g. "User lives in Lisbon". */
  text: string;
  kind: MemoryKind | (string & {});
  /** 0..1; decays while unused. */
  importance: number;
  accessCount: number;
  lastAccessedAt: string | null;
  /** The messages it was learned from. */
  sourceMessageIds: string[];
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `GET /v1/me/export`: everything stored about the user. */
export interface UserExport {
  exportedAt: string;
  user: EndUser & { traits: Record<string, unknown>; createdAt: string | null };
  preferences: {
    timezone: string | null;
    locale: string | null;
    data: Record<string, unknown>;
    updatedAt: string | null;
  } | null;
  conversations: (Conversation & { messages: Message[] })[];
  /** Includes history: superseded and forgotten versions. */
  memories: (Memory & { invalidatedAt: string | null; supersededBy: string | null })[];
}
