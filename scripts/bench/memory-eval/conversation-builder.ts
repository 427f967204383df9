import type { Turn } from './script-types.js';

/** Appends turns to dated sessions and hands back their keys (for evidence). */
export class ConversationBuilder {
  readonly sessions: Turn[][] = [];
  private current: Turn[] = [];
  private at = 0;

  constructor(
    private readonly start: Date,
    private readonly r: () => number,
  ) {}

  startSession(index: number, daysApart: number): void {
    if (this.current.length) this.sessions.push(this.current);
    this.current = [];
    const jitterH = Math.floor(this.r() * 10);
    this.at = this.start.getTime() + index * daysApart * 86_400_000 + jitterH * 3_600_000;
  }

  say(role: Turn['role'], text: string): string {
    const session = this.sessions.length;
    const key = `s${session}t${this.current.length}`;
    this.at += (20 + Math.floor(this.r() * 100)) * 1000;
    this.current.push({ key, role, text, session, at: new Date(this.at) });
    return key;
  }

  get turnsInSession(): number {
    return this.current.length;
  }

  finish(): Turn[][] {
    if (this.current.length) this.sessions.push(this.current);
    this.current = [];
    return this.sessions;
  }
}
