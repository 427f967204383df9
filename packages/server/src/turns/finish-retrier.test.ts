import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/manual-clock.js';
import { FinishRetrier } from './finish-retrier.js';

const log = pino({ level: 'silent' });

/** A database that is away until `back()`; counts the statements tried. */
function database() {
  let up = false;
  const tried: string[] = [];
  return {
    tried,
    back: () => (up = true),
    attempt: (name: string) => async () => {
      tried.push(name);
      return up ? ('done' as const) : ('unavailable' as const);
    },
  };
}

describe('FinishRetrier', () => {
  it('tries one statement per round while the database is away, then runs them all once it is back', async () => {
    const clock = new ManualClock();
    const retrier = new FinishRetrier({ clock, log });
    const db = database();
    retrier.add(db.attempt('a'));
    retrier.add(db.attempt('b'));
    retrier.add(db.attempt('c'));
    await clock.advance(3000);
    expect(retrier.size).toBe(3);
    expect(new Set(db.tried)).toEqual(new Set(['a'])); // never a storm of failing statements
    const roundsWhileDown = db.tried.length;
    expect(roundsWhileDown).toBeGreaterThan(1);

    db.back();
    await clock.advance(1000); // the back-off is capped at a second
    expect(retrier.size).toBe(0);
    expect(db.tried.slice(roundsWhileDown)).toEqual(['a', 'b', 'c']);
  });

  it('drops a statement whose lease is long gone, and stops when told', async () => {
    const clock = new ManualClock();
    const retrier = new FinishRetrier({ clock, log });
    const db = database();
    retrier.add(db.attempt('old'));
    await clock.advance(5 * 60_000 + 1000);
    expect(retrier.size).toBe(0);
    const tried = db.tried.length;
    retrier.stop();
    retrier.add(db.attempt('after stop'));
    await clock.advance(5000);
    expect(db.tried.length).toBe(tried);
    expect(clock.pending).toBe(0);
  });
});
