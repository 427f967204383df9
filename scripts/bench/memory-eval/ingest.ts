import type { Knex } from 'knex';
import type { AppServices } from '../../../packages/server/src/app-services.js';
import { runExtraction } from '../../../packages/server/src/memory/extraction/extract-job.js';
import type { Owner } from '../../../packages/server/src/memory/owner.js';
import type { UserScript } from './script-types.js';

/**
 * Writes one user's sessions as conversations and messages with their real
 * dates, then runs the real extraction job on every user turn (which embeds
 * the turn and the reply after it and stores what the rules extract).
 * Returns turn key → message id.
 */
export async function ingestUser(
  services: AppServices,
  owner: Owner,
  script: UserScript,
): Promise<Map<string, string>> {
  const knex: Knex = services.knex;
  const ids = new Map<string, string>();
  for (const session of script.sessions) {
    const [{ id: conversationId }] = await knex('conversations')
      .insert({ tenant_id: owner.tenantId, user_id: owner.userId, created_at: session[0]!.at })
      .returning('id');
    const rows = await knex('messages')
      .insert(
        session.map((t, i) => ({
          tenant_id: owner.tenantId,
          user_id: owner.userId,
          conversation_id: conversationId,
          role: t.role,
          content: t.text,
          seq: i + 1,
          created_at: t.at,
        })),
      )
      .returning(['id', 'seq']);
    const bySeq = new Map(
      rows.map((r: { id: string; seq: string | number }) => [Number(r.seq), r.id]),
    );
    session.forEach((t, i) => ids.set(t.key, bySeq.get(i + 1)!));
    for (const [i, t] of session.entries()) {
      if (t.role !== 'user') continue;
      const next = session[i + 1];
      await runExtraction(services, {
        ...owner,
        conversationId,
        userMessageId: ids.get(t.key)!,
        assistantMessageId: next?.role === 'assistant' ? ids.get(next.key)! : null,
      });
    }
  }
  return ids;
}

/** A question asked in a new conversation stays in the user's history, as it would. */
export async function storeQuestion(
  services: AppServices,
  owner: Owner,
  conversationId: string,
  text: string,
  at: Date,
): Promise<void> {
  const [{ id }] = await services
    .knex('messages')
    .insert({
      tenant_id: owner.tenantId,
      user_id: owner.userId,
      conversation_id: conversationId,
      role: 'user',
      content: text,
      seq: 1,
      created_at: at,
    })
    .returning('id');
  await runExtraction(services, {
    ...owner,
    conversationId,
    userMessageId: id,
    assistantMessageId: null,
  });
}
