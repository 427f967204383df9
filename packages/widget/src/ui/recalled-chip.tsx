import type { Recalled } from '../chat/recalled.js';

/**
 * What the answer drew on, above it: the memories on one line ("Remembered:
 * …"), then each earlier message, short, with who said it and when, so the
 * visitor can tell a recalled fact from a recalled conversation.
 */
export function RecalledChip({ recalled }: { recalled: Recalled }) {
  const { memories, passages } = recalled;
  return (
    <>
      {memories.length > 0 && (
        <p class="chip" title={memories.join('\n')}>
          Remembered: {memories.join('; ')}
        </p>
      )}
      {passages.length > 0 && (
        <ul class="past" aria-label="Remembered from earlier conversations">
          {passages.map((p) => (
            <li key={p.id} data-role={p.role}>
              <b>{p.role === 'user' ? 'You' : 'Assistant'}</b>
              {p.at && <time dateTime={p.at}>, {day(p.at)}</time>}: {p.text}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const day = (iso: string): string =>
  new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

export const hasRecalled = (r: Recalled | undefined): r is Recalled =>
  !!r && r.memories.length + r.passages.length > 0;
