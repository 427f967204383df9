#!/usr/bin/env node
// Streams one answer from Parley to stdout with @parley/sdk.
//
//   PARLEY_URL=http://127.0.0.1:3000 PARLEY_SECRET_KEY=sk_live_… \
//     node examples/node-sdk/stream-answer.mjs "What can you do?"
//
// A secret key belongs on your server (never in a browser): the SDK uses it to
// start a session for one of your users, then streams the answer over SSE.
import { pathToFileURL } from 'node:url';
import { createClient, isParleyError } from '@parley/sdk';

/**
 * @param {{ baseUrl: string, secretKey: string, question: string, userId?: string,
 *           out?: { write(s: string): unknown } }} options
 * @returns {Promise<import('@parley/sdk').Message>} the stored answer
 */
export async function streamAnswer({
  baseUrl,
  secretKey,
  question,
  userId = 'node-example',
  out = process.stdout,
}) {
  const client = createClient({ baseUrl, secretKey, externalUserId: userId });
  try {
    const conversation = await client.conversations.create({ title: 'Node SDK example' });
    const stream = client.messages.send(conversation.id, question);
    for await (const event of stream) {
      if (event.type === 'response.started' && event.offline)
        out.write('(offline mode: no model configured)\n');
      if (event.type === 'text.delta') out.write(event.delta);
    }
    out.write('\n');
    return await stream.finalMessage();
  } finally {
    client.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const baseUrl = process.env.PARLEY_URL ?? 'http://127.0.0.1:3000';
  const secretKey = process.env.PARLEY_SECRET_KEY;
  const question = process.argv.slice(2).join(' ') || 'Hello! What can you do?';
  if (!secretKey) {
    console.error(
      'Set PARLEY_SECRET_KEY to a secret key (parley keys create --tenant <id> --type secret).',
    );
    process.exit(2);
  }
  streamAnswer({ baseUrl, secretKey, question }).catch((err) => {
    console.error(
      isParleyError(err)
        ? `Parley error ${err.status ?? ''} ${err.code ?? ''}: ${err.message}`
        : err,
    );
    process.exit(1);
  });
}
