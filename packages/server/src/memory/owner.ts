/** Whose memory: every memory query is scoped to one user of one tenant. */
export interface Owner {
  tenantId: string;
  userId: string;
}
