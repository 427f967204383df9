import type { AppServices } from '../../app-services.js';
import { toVectorLiteral } from '../embedder.js';
import type { Owner } from '../owner.js';
import { memoryPolicy } from '../memory-policy.js';
import type { ExistingMemory } from '../memory-store.js';
import { findSimilar, latestFromConversation } from '../memory-store.js';
import type { ExtractionJob } from '../turn-memory.js';
import type { ExtractionCounts } from './apply-decisions.js';
import { applyDecisions } from './apply-decisions.js';
import type { CandidateFact, Decision } from './decision.js';
import { extractionChain } from './extraction-model.js';
import { decideWithModel } from './model-decider.js';
import { extractFactsWithModel } from './model-extractor.js';
import type { ChatModel } from './model-json.js';
import { decideByRules } from './rule-decider.js';
import { extractFactsByRules } from './rule-extractor.js';

const MODEL_TIMEOUT_MS = 60_000;

/**
 * After a turn: embed its messages (for cross-conversation recall), extract
 * candidate facts, compare each with similar stored memories, decide and
 * apply. Uses the tenant's model when it has one, the rules otherwise.
 */
export async function runExtraction(
  services: AppServices,
  job: ExtractionJob,
): Promise<ExtractionCounts | null> {
  const tenant = await services.tenants.get(job.tenantId);
  if (!tenant || !memoryPolicy(tenant.settings).enabled) return null;
  const policy = memoryPolicy(tenant.settings);
  const owner: Owner = { tenantId: job.tenantId, userId: job.userId };
  const rows: { id: string; role: string; content: string; offline: boolean }[] = await services
    .knex('messages')
    .where({
      tenant_id: owner.tenantId,
      user_id: owner.userId,
      conversation_id: job.conversationId,
    })
    .whereIn(
      'id',
      [job.userMessageId, job.assistantMessageId].filter((x): x is string => !!x),
    )
    .select('id', 'role', 'content', 'offline');
  const user = rows.find((r) => r.role === 'user');
  if (!user) return null; // deleted or erased since the turn
  const assistant = rows.find((r) => r.role === 'assistant' && !r.offline && r.content) ?? null;

  await embedMessages(services, owner, [user, ...(assistant ? [assistant] : [])]);

  const signal = AbortSignal.timeout(MODEL_TIMEOUT_MS);
  const chain = extractionChain(services, tenant);
  let chat: ChatModel | null = null;
  let facts: CandidateFact[] = [];
  if (chain.length === 0) facts = extractFactsByRules(user.content);
  else {
    let lastErr: unknown;
    for (const c of chain) {
      try {
        facts = await extractFactsWithModel(
          c,
          { user: user.content, assistant: assistant?.content ?? null },
          signal,
        );
        chat = c;
        break;
      } catch (err) {
        lastErr = err;
        services.log.warn({ err, provider: c.provider.id }, 'memory extraction: model failed');
      }
    }
    if (!chat) throw lastErr; // the queue retries the job
  }
  if (facts.length === 0) return { added: 0, updated: 0, deleted: 0, unchanged: 0 };

  const embedder = services.memory.embedder;
  const vectors = await embedder.embed(facts.map((f) => f.text || user.content));
  const existing = await Promise.all(
    facts.map((f, i) => findSimilar(services.knex, owner, vectors[i]!, f.slot ? [f.slot] : [])),
  );
  const latest = facts.some((f) => f.forget && f.text === '')
    ? await latestFromConversation(services.knex, owner, job.conversationId)
    : null;
  const byRules = (i: number): Decision =>
    decideByRules(facts[i]!, {
      existing: existing[i]!,
      similarity: embedder.similarity,
      latestInConversation: latest,
    });
  const decisions = chat
    ? await decideWithModel(chat, facts, existing as ExistingMemory[][], byRules, signal)
    : facts.map((_, i) => byRules(i));

  const counts = await applyDecisions(services.knex, embedder, owner, decisions, {
    policy,
    sourceMessageIds: [user.id],
  });
  services.log.info(
    {
      tenantId: owner.tenantId,
      ...counts,
      by: chat ? `${chat.provider.id}:${chat.model}` : 'rules',
    },
    'memory extraction',
  );
  return counts;
}

async function embedMessages(
  services: AppServices,
  owner: Owner,
  messages: { id: string; content: string }[],
): Promise<void> {
  const vectors = await services.memory.embedder.embed(messages.map((m) => m.content));
  await Promise.all(
    messages.map((m, i) =>
      services
        .knex('messages')
        .where({ id: m.id, tenant_id: owner.tenantId, user_id: owner.userId })
        .update({ embedding: toVectorLiteral(vectors[i]!) }),
    ),
  );
}
