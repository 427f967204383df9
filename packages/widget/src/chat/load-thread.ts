import type { Message, ParleyClient } from '@parley/sdk';

/** Enough for any thread a visitor scrolls through; older turns stay on the server. */
const MAX_PAGES = 5;
const PAGE_SIZE = 200;

/** The stored thread, oldest first, paging forward by `seq`. */
export async function loadThread(client: ParleyClient, conversationId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let afterSeq: number | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.messages.list(conversationId, { afterSeq, limit: PAGE_SIZE });
    messages.push(...result.data);
    if (!result.nextCursor) break;
    afterSeq = Number(result.nextCursor);
  }
  return messages;
}
