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

describe('extractFactsByRules: other people', () => {
  const facts = (m: string) => extractFactsByRules(m).map((f) => [f.text, f.slot]);

  it('stores facts about people the user mentions about them, not about the user', () => {
    expect(facts('My sister Ana lives in Porto.')).toEqual([
      ["User's sister Ana lives in Porto", 'person:ana:location'],
    ]);
    expect(facts('my sister lives in porto')).toEqual([
      ["User's sister lives in Porto", 'person:sister:location'],
    ]);
    expect(facts('Omar, my dad, is based in Vienna.')).toEqual([
      ["User's dad Omar lives in Vienna", 'person:omar:location'],
    ]);
    expect(facts('Nope, Liam moved to Toronto last month.')).toEqual([
      ['Liam lives in Toronto', 'person:liam:location'],
    ]);
    expect(facts('Elena got a job as a product manager, so proud.')).toEqual([
      ['Elena works as a product manager', 'person:elena:job'],
    ]);
    expect(facts('My brother works at Globex.')).toEqual([
      ["User's brother works at Globex", 'person:brother:employer'],
    ]);
    expect(facts('Maya gave me a leather wallet for my birthday, I love it.')).toEqual([
      ['Maya gave the user a leather wallet', null],
    ]);
    expect(facts('My sister loves sushi.')).toEqual([["User's sister loves sushi", null]]);
  });

  it("keeps the user's own facts the user's, also when someone else is in the sentence", () => {
    expect(facts('Tom and I moved to Paris.')).toEqual([['User lives in Paris', 'location']]);
    expect(facts('I moved to Berlin, my sister lives in Munich.')).toEqual([
      ['User lives in Berlin', 'location'],
      ["User's sister lives in Munich", 'person:sister:location'],
    ]);
  });

  it("attributes a quoted speaker's first-person facts to the speaker", () => {
    expect(facts('Ana: I moved to Porto last year. I love surfing.')).toEqual([
      ['Ana lives in Porto', 'person:ana:location'],
      ['Ana loves surfing', null],
    ]);
  });

  it('ignores pronouns and sentence openers that name nobody', () => {
    expect(facts('No! They relocated to Zurich, new job.')).toEqual([]);
    expect(facts('She moved to Oslo.')).toEqual([]);
    expect(facts('Yesterday moved to Friday, sorry.')).toEqual([]);
  });
});

describe('extractFactsByRules: grammatical memories or none', () => {
  it('never turns a verb or a clause into an object', () => {
    for (const m of [
      'The thing I love is awesome',
      'User loves is awesome',
      'What I like is that it works',
      'I like to',
      'I love how it looks',
      'I really like it',
      'I enjoy being outside', // a gerund object is fine, see below
    ].slice(0, 6)) {
      expect(texts(m)).toEqual([]);
    }
    expect(texts('I enjoy being outside')).toEqual(['User enjoys being outside']);
  });

  it('cuts trailing time and possessive phrases from values', () => {
    expect(texts('I moved to Porto for my new job')).toEqual(['User lives in Porto']);
    expect(texts('Maya gave me a scarf for her trip')).toEqual(['Maya gave the user a scarf']);
  });
});
