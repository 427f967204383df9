import { Command, Option } from 'commander';
import type { ChatFlags } from '../chat/chat-auth.js';
import { resolveChatIdentity } from '../chat/chat-auth.js';
import { chatLoop } from '../chat/chat-loop.js';
import { fromSdkError } from '../chat/sdk-errors.js';
import { resolveServerUrl } from '../config.js';
import type { CliIo } from '../io.js';
import { globals } from './options.js';

interface Flags extends ChatFlags {
  conversation?: string;
  message?: string;
  transport: 'sse' | 'ws';
}

/** Node 20 has no global WebSocket: use the `ws` package there. */
async function webSocketClass(): Promise<unknown> {
  const global = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (global) return global;
  return (await import('ws')).default;
}

export function chatCommand(io: CliIo): Command {
  return new Command('chat')
    .description('chat with the agent in the terminal; answers stream as they are written')
    .option('--key <key>', 'tenant key: pk_… (anonymous visitor) or sk_… (env PARLEY_KEY)')
    .option('--user <externalId>', 'with sk_ or --tenant: chat as this user of the tenant')
    .option('--tenant <tenantId>', 'chat as a user of this tenant, minted with the admin token')
    .option('--origin <origin>', 'with pk_: the Origin to present (default: the server URL)')
    .option('--conversation <id>', 'continue a conversation instead of starting one')
    .option('-m, --message <text>', 'send one message, print the answer and exit')
    .addOption(
      new Option('--transport <transport>', 'how answers stream')
        .choices(['sse', 'ws'])
        .default('sse'),
    )
    .addHelpText(
      'after',
      '\nIn the chat: /new starts a conversation, /exit or Ctrl+D quits, Ctrl+C stops an answer.\n' +
        "Without --key or --tenant, a local embedded server's demo key (./.parley/demo.json) is used.",
    )
    .action(async (flags: Flags, cmd: Command) => {
      const g = globals(cmd);
      const baseUrl = resolveServerUrl(g, io);
      const identity = await resolveChatIdentity({ ...g, ...flags }, io, baseUrl);
      const { createClient } = await import('@parley/sdk');
      const client = createClient({
        baseUrl,
        ...identity.auth,
        ...(flags.transport === 'ws' ? { WebSocket: (await webSocketClass()) as never } : {}),
      });
      try {
        const session = await client.session.get();
        const conversationId = flags.conversation ?? (await client.conversations.create()).id;
        if (!g.json) {
          io.stderr.write(
            `Chatting with ${baseUrl} as ${identity.label} (user ${session.user.id}); conversation ${conversationId}\n`,
          );
          if (flags.message === undefined && io.stdout.isTTY) {
            io.stderr.write('/new starts a conversation, /exit quits, Ctrl+C stops an answer.\n');
          }
        }
        await chatLoop(
          io,
          { client, baseUrl, conversationId, transport: flags.transport, json: Boolean(g.json) },
          flags.message,
        );
      } catch (err) {
        throw fromSdkError(err, baseUrl);
      } finally {
        client.close();
        await identity.release();
      }
    });
}
