import { describe, expect, it } from 'vitest';
import { extractFactsByRules } from './rule-extractor.js';

const texts = (m: string) => extractFactsByRules(m).map((f) => f.text);

describe('extractFactsByRules', () => {
  it('finds names, homes, diets and preferences in plain first-person statements', () => {
    const facts = extractFactsByRules("Hi! My name is ana and I live in lisbon. I'm vegetarian.");
    expect(facts.map((f) => [f.text, f.slot, f.kind])).toEqual([
      ["User's name is Ana", 'name', 'fact'],
      ['User lives in Lisbon', 'location', 'fact'],
      ['User is vegetarian', 'diet', 'fact'],
    ]);
    expect(texts('I really like spicy food')).toEqual(['User likes spicy food']);
    expect(texts('my favourite colour is green')).toEqual(["User's favourite colour is green"]);
  });

  it('gives a move the same slot as a home, without the time phrase', () => {
    const [f] = extractFactsByRules('I moved to Porto last month');
    expect(f).toMatchObject({ text: 'User lives in Porto', slot: 'location', forget: false });
  });

  it('ignores questions, small talk and pronoun objects', () => {
    expect(texts('Where do I live?')).toEqual([]);
    expect(texts("what's the weather where I live?")).toEqual([]);
    expect(texts('Thanks, that was helpful!')).toEqual([]);
    expect(texts('I like it')).toEqual([]);
  });

  it('turns "forget that …" into a forget request for the fact it names', () => {
    expect(extractFactsByRules('Please forget that I live in Lisbon.')).toEqual([
      {
        text: 'User lives in Lisbon',
        kind: 'fact',
        importance: 0.8,
        slot: 'location',
        forget: true,
      },
    ]);
    expect(extractFactsByRules('forget that')).toEqual([
      { text: '', kind: 'fact', importance: 0, slot: null, forget: true },
    ]);
    expect(extractFactsByRules('Forget about my job')[0]).toMatchObject({
      text: 'my job',
      forget: true,
    });
  });
});
