/** One synthetic user's long history and the questions asked about it. */

export interface Turn {
  /** Stable key within the user, e.g. "s4t7"; mapped to a message id at ingest. */
  key: string;
  role: 'user' | 'assistant';
  text: string;
  session: number;
  at: Date;
}

export type QuestionKind = 'single' | 'multi-hop' | 'temporal' | 'open' | 'off-topic';

export interface Question {
  kind: QuestionKind;
  text: string;
  /** Turn keys whose content answers it; empty for off-topic questions. */
  evidence: string[];
}

export interface UserScript {
  sessions: Turn[][];
  questions: Question[];
}
