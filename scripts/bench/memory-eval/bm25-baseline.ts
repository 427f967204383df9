import type { Knex } from 'knex';
import type { Owner } from '../../../packages/server/src/memory/owner.js';

/**
 * Plain Okapi BM25 (k1 1.2, b 0.75, real tf and document lengths) over one
 * user's conversation turns, with the same English analyser as Parley's
 * full-text side (PostgreSQL's `english` configuration), so the comparison
 * is about ranking and selection, not tokenisation.
 */
export class Bm25Index {
  private readonly docs: { id: string; tf: Map<string, number>; len: number }[] = [];
  private readonly df = new Map<string, number>();
  private avgdl = 1;

  static async forUser(knex: Knex, owner: Owner, ids: Set<string>): Promise<Bm25Index> {
    const rows: { id: string; v: string }[] = await knex('messages')
      .where({ tenant_id: owner.tenantId, user_id: owner.userId })
      .select('id', knex.raw(`to_tsvector('english', content)::text as v`));
    const index = new Bm25Index();
    for (const r of rows) if (ids.has(r.id)) index.add(r.id, parseTsvector(r.v));
    index.avgdl = index.docs.reduce((n, d) => n + d.len, 0) / Math.max(1, index.docs.length);
    return index;
  }

  private add(id: string, tf: Map<string, number>): void {
    let len = 0;
    for (const [term, n] of tf) {
      len += n;
      this.df.set(term, (this.df.get(term) ?? 0) + 1);
    }
    this.docs.push({ id, tf, len });
  }

  /** Message ids, best first; `skip` leaves some out of the ranking (not of the statistics). */
  search(queryTerms: string[], k: number, skip?: Set<string>): string[] {
    const n = this.docs.length;
    const scored: { id: string; s: number }[] = [];
    for (const d of this.docs) {
      if (skip?.has(d.id)) continue;
      let s = 0;
      for (const q of queryTerms) {
        const tf = d.tf.get(q);
        if (!tf) continue;
        const df = this.df.get(q)!;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        s += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * d.len) / this.avgdl));
      }
      if (s > 0) scored.push({ id: d.id, s });
    }
    return scored
      .sort((a, b) => b.s - a.s)
      .slice(0, k)
      .map((x) => x.id);
  }
}

export async function analyse(knex: Knex, text: string): Promise<string[]> {
  const { rows } = await knex.raw(`select to_tsvector('english', ?)::text as v`, [text]);
  return [...parseTsvector((rows as { v: string }[])[0]!.v).keys()];
}

/** `'live':3,11 'love':7` → live→2, love→1 */
function parseTsvector(v: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of v.matchAll(/'((?:[^']|'')+)'(?::([\d,A-D]+))?/g)) {
    out.set(m[1]!.replace(/''/g, "'"), m[2] ? m[2].split(',').length : 1);
  }
  return out;
}
