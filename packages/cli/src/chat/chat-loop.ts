import readline from 'node:readline';
import type { ParleyClient } from '@parley/sdk';
import type { Message } from '@parley/sdk/protocol';
import { ApiRequestError } from '../errors.js';
import type { CliIo } from '../io.js';
import { renderEvent } from './render-event.js';
import { fromSdkError, isUserAbort } from './sdk-errors.js';

export interface ChatLoopOptions {
  client: ParleyClient;
  baseUrl: string;
  conversationId: string;
  transport: 'sse' | 'ws';
  json: boolean;
}

/** One answer streamed to the terminal; resolves with the stored message (or null if stopped/failed). */
async function answer(
  io: CliIo,
  o: ChatLoopOptions,
  content: string,
  onStream: (abort: () => void) => void,
): Promise<Message | null> {
  const stream = o.client.messages.send(o.conversationId, content, { transport: o.transport });
  onStream(() => stream.abort());
  const write = (s: string) => {
    if (!o.json) io.stdout.write(s);
  };
  write('parley › ');
  try {
    for await (const event of stream) renderEvent(event, write);
  } catch (err) {
    if (isUserAbort(err)) {
      write('\n(stopped)\n');
      return null;
    }
    throw fromSdkError(err, o.baseUrl);
  }
  try {
    return await stream.finalMessage();
  } catch {
    return null; // response.failed was already shown
  }
}

/**
 * Reads lines and answers each: `/new` starts a conversation, `/exit` or
 * end of input quits, Ctrl+C stops a streaming answer (or quits when idle).
 */
export async function chatLoop(io: CliIo, o: ChatLoopOptions, first?: string): Promise<void> {
  const interactive = Boolean(io.stdout.isTTY) && first === undefined;
  const replies: Message[] = [];
  const say = async (line: string, setAbort: (a: () => void) => void) => {
    try {
      const message = await answer(io, o, line, setAbort);
      if (message) replies.push(message);
    } catch (err) {
      // In a conversation, a refused message (rate limit, busy) is shown and the chat goes on.
      if (first !== undefined || !(err instanceof ApiRequestError)) throw err;
      io.stderr.write(`\nparley: ${err.message}\n`);
    }
  };

  if (first !== undefined) {
    await say(first, () => {});
  } else {
    const rl = readline.createInterface({
      input: io.stdin,
      output: interactive ? (io.stdout as NodeJS.WritableStream) : undefined,
      terminal: interactive,
    });
    let abort: (() => void) | null = null;
    const interrupt = () => {
      if (abort) abort();
      else rl.close();
    };
    rl.on('SIGINT', interrupt);
    const stopListening = io.onInterrupt?.(interrupt);
    rl.setPrompt('you › ');
    try {
      if (interactive) rl.prompt();
      for await (const raw of rl) {
        const line = raw.trim();
        if (line === '/exit' || line === '/quit') break;
        if (line === '/new') {
          o.conversationId = (await o.client.conversations.create()).id;
          if (!o.json) io.stderr.write(`New conversation ${o.conversationId}\n`);
        } else if (line) {
          await say(line, (a) => (abort = a));
          abort = null;
        }
        if (interactive) rl.prompt();
      }
    } finally {
      stopListening?.();
      rl.close();
    }
  }
  if (o.json) {
    io.stdout.write(JSON.stringify({ conversationId: o.conversationId, replies }, null, 2) + '\n');
  }
}
