import knexFactory from 'knex';
import { readFileSync, readdirSync } from 'node:fs';
import { HashingEmbedder } from './packages/server/src/memory/hashing-embedder.js';
import { searchHits } from './packages/server/src/memory/search/candidate-search.js';
import { queryTerms } from './packages/server/src/memory/search/query-terms.js';
import { RECALL_CANDIDATES as K } from './packages/server/src/memory/recall.js';
import { userScript } from './scripts/bench/memory-eval/user-script.js';
function cpu(): number { let t = 0; for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) { try { const s = readFileSync(`/proc/${pid}/stat`, 'utf8'); if (!s.includes('(postgres)') || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('parley_bench_recall')) continue; const f = s.slice(s.lastIndexOf(')') + 2).split(' '); t += (Number(f[11]) + Number(f[12])) * 10; } catch {} } return t; }
const knex = knexFactory({ client: 'pg', connection: 'postgres://postgres@127.0.0.1:5432/parley_bench_recall', pool: { min: 1, max: 1, afterCreate: (c: any, done: any) => c.query('set hnsw.iterative_scan = relaxed_order', (e: any) => done(e, c)) } });
const users = await knex('users').select('tenant_id', 'id').limit(2000);
const qs = userScript(5001, new Date()).questions.map((q) => q.text);
const emb = new HashingEmbedder(512);
for (const variant of process.argv.slice(2)) {
  const c0 = cpu(); let n = 0; const t0 = performance.now();
  for (let i = 0; i < 400; i++) {
    const u = users[(i * 37) % users.length]; const q = qs[i % qs.length];
    const [v] = await emb.embed([q]);
    await searchHits(knex, { tenantId: u.tenant_id, userId: u.id }, {
      terms: queryTerms(q), vector: variant === 'noVector' ? null : v!,
      memories: { lexical: K.memoryLexical, vector: K.memoryVector },
      messages: { excludeConversationId: null, lexical: K.messageLexical, vector: variant === 'noMsgVector' || variant === 'noVector' ? 0 : K.messageVector, vectorWindow: K.messageVectorWindow },
      perTerm: K.perTerm,
    });
    n++;
  }
  console.log(variant, 'db cpu ms/query', ((cpu() - c0) / n).toFixed(2), 'wall ms', ((performance.now() - t0) / n).toFixed(2));
}
await knex.destroy();
