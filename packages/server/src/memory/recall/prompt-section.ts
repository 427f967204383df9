import type { RecallResult } from '../recall.js';
import type { PassageTurn } from './select-items.js';

const day = (d: Date): string => d.toISOString().slice(0, 10);
const line = (t: PassageTurn): string =>
  `[${day(t.createdAt)}, ${t.role}] ${JSON.stringify(t.text)}`;

/**
 * The system-prompt section for what was recalled, or '' when nothing was.
 * Memory lines stay `- User …` (the offline provider reads them); passages
 * carry their date and speaker, with the turn they reply to or the answer
 * they got on the same line.
 */
export function promptSectionFor(r: RecallResult): string {
  const parts: string[] = [];
  if (r.memories.length > 0) {
    parts.push(
      'What you remember about this user from earlier conversations (use it when relevant; it may be out of date, and the user can correct it):',
      ...r.memories.map((m) => `- ${m.text}`),
    );
  }
  if (r.passages.length > 0) {
    parts.push(
      'Possibly relevant messages from earlier conversations with this user (newest facts win when they disagree):',
      ...r.passages.map((p) => {
        const turns = [p.before, p, p.after].filter((t): t is PassageTurn => t !== null);
        return `- ${turns.map(line).join(' → ')}`;
      }),
    );
  }
  return parts.join('\n');
}
