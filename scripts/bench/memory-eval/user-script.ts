import { pick, rng } from '../memory/corpus.js';
import { ConversationBuilder } from './conversation-builder.js';
import type { Question, UserScript } from './script-types.js';
import {
  ACKS,
  ALLERGENS,
  CITIES,
  EMPLOYERS,
  FIRST_NAMES,
  FOODS,
  GIFTS,
  HOBBIES,
  JOBS,
  MONTHS,
  PETS,
  PET_NAMES,
  RELATIONS,
  SMALL_TALK,
  TRIPS,
} from './vocabulary.js';

/**
 * One user's year with the assistant: ≥ 20 sessions, ≥ 500 turns. The user
 * states facts about themselves and the people in their life (some change
 * over time), often indirectly (a terse answer to the assistant's question),
 * among small talk, turns that only mention a name, and their own earlier
 * questions. Questions of four kinds come with the turns that answer them.
 */

type Beat = () => void;
interface Person {
  name: string;
  rel: string;
  cities: string[];
  /** Turn keys that say where they live, per city. */
  cityKeys: string[][];
  facts: string[];
}

const SESSIONS = 24;
const TURNS_PER_SESSION = 24;

export function userScript(seed: number, now: Date): UserScript {
  const r = rng(seed);
  const one = <T>(xs: readonly T[]): T => pick(r, xs);
  const take = <T>(xs: readonly T[], n: number): T[] => {
    const pool = [...xs];
    const out: T[] = [];
    while (out.length < n && pool.length)
      out.push(pool.splice(Math.floor(r() * pool.length), 1)[0]!);
    return out;
  };
  const chance = (p: number) => r() < p;
  const start = new Date(now.getTime() - 365 * 86_400_000);
  const b = new ConversationBuilder(start, r);
  // Evidence is read when the script is complete: a fact may change after the question is planned.
  const asks: (() => Question)[] = [];
  const ask = (kind: Question['kind'], texts: string[], evidence: () => string[]) => {
    const text = one(texts);
    asks.push(() => ({ kind, text, evidence: [...new Set(evidence())] }));
  };
  const ack = () => b.say('assistant', one(ACKS));

  const names = take(FIRST_NAMES, 7);
  const rels = take(RELATIONS, 6);
  const people: Person[] = rels.map((rel, i) => ({
    name: names[i]!,
    rel,
    cities: [],
    cityKeys: [],
    facts: [],
  }));
  const myCities = take(CITIES, 8);
  const early: Beat[] = [];
  const middle: Beat[] = [];
  const late: Beat[] = [];

  // --- the user's own home, which changes -------------------------------------------------
  const [home0, home1] = [myCities[0]!, myCities[1]!];
  const homeKeys: string[][] = [[], []];
  early.push(() => {
    if (chance(0.5)) {
      homeKeys[0]!.push(
        b.say(
          'user',
          one([
            `I live in ${home0}, have done for years.`,
            `Greetings from rainy ${home0}!`,
            `Here in ${home0} it's been sunny all week, I love living here.`,
          ]),
        ),
      );
      b.say('assistant', `${home0} sounds lovely.`);
    } else {
      b.say('user', 'I just set up this assistant, hi!');
      homeKeys[0]!.push(
        b.say('assistant', 'Welcome! Where are you based, so I can tailor suggestions?'),
      );
      homeKeys[0]!.push(
        b.say('user', one([`${home0}.`, `${home0}, near the old town.`, `In ${home0}.`])),
      );
      ack();
    }
  });
  middle.push(() => {
    homeKeys[1]!.push(
      b.say(
        'user',
        one([
          `Big news: I'm moving to ${home1}! Boxes everywhere.`,
          `We finally relocated to ${home1}, the flat is tiny but bright.`,
          `Signed the lease in ${home1} today, moving day is Saturday.`,
        ]),
      ),
    );
    b.say(
      'assistant',
      one([`Congratulations on the move to ${home1}!`, 'Exciting! Good luck with the move.']),
    );
  });
  late.push(() => {
    homeKeys[1]!.push(
      b.say(
        'user',
        one([
          `Settling in nicely in ${home1} now.`,
          `Three months in ${home1} and I already know the best bakery.`,
        ]),
      ),
    );
    ack();
  });
  const homeQuestions = () => {
    ask(
      'single',
      [
        'Which city am I living in these days?',
        'Where is home for me now?',
        "What's my current city?",
      ],
      () => homeKeys[1]!,
    );
    ask(
      'temporal',
      [`Where did I live before I moved to ${home1}?`, `Which city was I in before ${home1}?`],
      () => homeKeys[0]!,
    );
  };

  // --- work, which changes ------------------------------------------------------------------
  const [job0, job1] = take(JOBS, 2);
  const [emp0, emp1] = take(EMPLOYERS, 2);
  const jobKeys: string[][] = [[], []];
  early.push(() => {
    jobKeys[0]!.push(
      b.say(
        'user',
        one([
          `Long shift today, being a ${job0} at ${emp0} is exhausting.`,
          `I work as a ${job0} for ${emp0}.`,
          `Work at ${emp0} was hectic, the usual ${job0} stuff.`,
        ]),
      ),
    );
    ack();
  });
  middle.push(() => {
    b.say('user', 'I have some career news.');
    jobKeys[1]!.push(b.say('assistant', 'Ooh, tell me! What happened?'));
    jobKeys[1]!.push(
      b.say(
        'user',
        one([
          `I accepted an offer from ${emp1}! Starting as a ${job1} next month.`,
          `${emp1} hired me, I'll be their new ${job1}.`,
        ]),
      ),
    );
    b.say('assistant', 'Congratulations, that is a big step!');
  });
  const jobQuestions = () => {
    ask(
      'single',
      [
        'Who is my employer now?',
        'Which company do I work for?',
        'Where am I working at the moment?',
      ],
      () => jobKeys[1]!,
    );
    ask(
      'temporal',
      [`Which company was I with before ${emp1}?`, 'Where did I work before my current job?'],
      () => jobKeys[0]!,
    );
    ask(
      'single',
      ['What is my job title now?', 'What do I do for a living these days?'],
      () => jobKeys[1]!,
    );
  };

  // --- a pet, named in a terse reply ----------------------------------------------------------
  const [species, petWord] = one(PETS);
  const petName = one(PET_NAMES);
  const petKeys: string[] = [];
  middle.push(() => {
    petKeys.push(b.say('user', `We adopted a ${species} today!!`));
    petKeys.push(b.say('assistant', 'Congratulations! What did you name it?'));
    petKeys.push(
      b.say(
        'user',
        one([`${petName} 🙂`, `${petName}, after a snack I like.`, `We went with ${petName}.`]),
      ),
    );
    ack();
  });
  const petQuestions = () =>
    ask(
      'single',
      [
        `What's my ${petWord} called?`,
        `What is the name of my ${petWord}?`,
        `Remind me what we named our ${petWord}.`,
      ],
      () => petKeys,
    );

  // --- hobbies started at different times -------------------------------------------------------
  const hobbies = take(HOBBIES, 3);
  const hobbyKeys: string[] = [];
  for (const [i, [hobby, alias]] of hobbies.entries()) {
    (i === 0 ? early : i === 1 ? middle : late).push(() => {
      const k = b.say(
        'user',
        one([
          `I signed up for ${hobby} this week.`,
          `Started ${hobby} on Tuesday evenings, loving it so far.`,
          `Guess who just began ${hobby}? Me!`,
        ]),
      );
      hobbyKeys.push(k);
      b.say('assistant', one(['What a fun new hobby!', 'That sounds like a great way to unwind.']));
      if (i === 1)
        ask(
          'temporal',
          [`When did I take up ${alias}?`, `How long ago did I start ${hobby}?`],
          () => [k],
        );
    });
  }
  const hobbyQuestions = () =>
    ask(
      'open',
      [
        'What hobbies have I picked up over the past year?',
        'What do I do for fun these days?',
        'Which activities have I started recently?',
      ],
      () => hobbyKeys,
    );

  // --- allergy, favourite food (changes), a trip ------------------------------------------------
  const allergen = one(ALLERGENS);
  const [food0, food1] = take(FOODS, 2);
  const trip = one(TRIPS);
  const tripMonth = one(MONTHS);
  const foodKeys: string[][] = [[], []];
  let allergyKey = '';
  let tripKey = '';
  early.push(() => {
    allergyKey = b.say(
      'user',
      one([
        `Note to self: I'm allergic to ${allergen}, had a reaction again.`,
        `My ${allergen} allergy flared up at dinner, ugh.`,
      ]),
    );
    b.say('assistant', 'Sorry to hear that, I hope you feel better soon.');
  });
  early.push(() => {
    foodKeys[0]!.push(
      b.say(
        'user',
        one([
          `My favourite dish at the moment is ${food0}.`,
          `Could eat ${food0} every single day.`,
        ]),
      ),
    );
    ack();
  });
  late.push(() => {
    foodKeys[1]!.push(
      b.say(
        'user',
        one([
          `Honestly I'm obsessed with ${food1} now, way more than ${food0}.`,
          `New favourite dish: ${food1}. Sorry ${food0}.`,
        ]),
      ),
    );
    ack();
  });
  middle.push(() => {
    tripKey = b.say(
      'user',
      one([
        `Booked flights to ${trip} for ${tripMonth}!`,
        `We're going to ${trip} in ${tripMonth}, first holiday in ages.`,
      ]),
    );
    b.say('assistant', `${trip} in ${tripMonth}, how exciting!`);
  });
  const miscQuestions = () => {
    ask(
      'single',
      [
        'Is there anything I should avoid eating or taking?',
        'What am I allergic to?',
        'What should restaurants know about my allergies?',
      ],
      () => [allergyKey],
    );
    ask(
      'single',
      ['What food do I love most these days?', "What's my favourite meal now?"],
      () => foodKeys[1]!,
    );
    ask(
      'single',
      [
        `Where am I travelling in ${tripMonth}?`,
        'What holiday do I have planned?',
        'Which country am I visiting on my next vacation?',
      ],
      () => [tripKey],
    );
  };

  // --- people ---------------------------------------------------------------------------------
  const gifts = take(GIFTS, 3);
  for (const [i, p] of people.entries()) {
    const c0 = myCities[2 + i]!;
    p.cities.push(c0);
    p.cityKeys.push([]);
    early.push(() => {
      const k = b.say(
        'user',
        one([
          `My ${p.rel} ${p.name} lives in ${c0}.`,
          `${p.name}, my ${p.rel}, is based in ${c0}.`,
          `Visiting my ${p.rel} ${p.name} in ${c0} next weekend.`,
        ]),
      );
      p.cityKeys[0]!.push(k);
      p.facts.push(k);
      b.say(
        'assistant',
        one([`Say hi to ${p.name}!`, 'That sounds nice.', `How long has ${p.name} been in ${c0}?`]),
      );
    });
    if (i < 3) {
      const c1 = CITIES.filter((c) => !myCities.includes(c))[(seed + i * 7) % 20]!;
      p.cities.push(c1);
      p.cityKeys.push([]);
      (i === 0 ? middle : late).push(() => {
        b.say('user', `Talked to ${p.name} for an hour today.`);
        const q = b.say('assistant', `How is ${p.name}? Still in ${c0}?`);
        const a = b.say(
          'user',
          one([
            `Nope, ${p.name} moved to ${c1} last month.`,
            `No! They relocated to ${c1}, new job.`,
            `Not anymore, ${c1} now.`,
          ]),
        );
        p.cityKeys[1]!.push(q, a);
        p.facts.push(q, a);
        ack();
      });
    }
    if (i < 3) {
      const [gift, giftWord] = gifts[i]!;
      let giftKey = '';
      middle.push(() => {
        giftKey = b.say(
          'user',
          one([
            `${p.name} gave me a ${gift} for my birthday, I love it.`,
            `Look what ${p.name} got me: a ${gift}!`,
          ]),
        );
        p.facts.push(giftKey);
        ack();
      });
      const latest = () => p.cityKeys[p.cityKeys.length - 1]!;
      late.push(() => {
        ask('single', [`Who gave me the ${giftWord}?`, `Who got me the ${gift}?`], () => [giftKey]);
        ask(
          'multi-hop',
          [
            `Where does the person who gave me the ${gift} live now?`,
            `Which city is whoever gave me the ${giftWord} in?`,
          ],
          () => [giftKey, ...latest()],
        );
      });
    }
    const job = JOBS[(seed + i * 5) % JOBS.length]!;
    let jobKey = '';
    (i % 2 ? middle : late).push(() => {
      jobKey = b.say(
        'user',
        one([
          `${p.name} got a job as a ${job}, so proud.`,
          `${p.name} is training to become a ${job}.`,
        ]),
      );
      p.facts.push(jobKey);
      ack();
    });
    late.push(() => {
      ask(
        'single',
        [`What does ${p.name} do for a living?`, `What is ${p.name}'s profession?`],
        () => [jobKey],
      );
      // Needs the turn that says who the relative is and the one with the job.
      ask('multi-hop', [`What does my ${p.rel} do for work?`, `What's my ${p.rel}'s job?`], () => [
        p.cityKeys[0]![0]!,
        jobKey,
      ]);
      if (p.cities.length > 1) {
        ask(
          'single',
          [`Where does ${p.name} live now?`, `Which city is my ${p.rel} in these days?`],
          () => p.cityKeys[1]!,
        );
        ask(
          'temporal',
          [
            `Where did ${p.name} live before ${p.cities[1]}?`,
            `Which city was my ${p.rel} in before moving?`,
          ],
          () => p.cityKeys[0]!,
        );
      }
      if (i < 2)
        ask(
          'open',
          [`What do you know about ${p.name}?`, `Tell me everything about my ${p.rel}.`],
          () => p.facts.slice(0, 5),
        );
    });
  }

  // --- filler: small talk, name-only mentions, the user's own questions -----------------------
  const filler = (): void => {
    const x = r();
    if (x < 0.45) {
      const [u, a] = one(SMALL_TALK);
      b.say('user', u);
      b.say('assistant', a);
    } else if (x < 0.75) {
      const p = one(people);
      b.say(
        'user',
        one([
          `${p.name} sent me a funny video lol`,
          `Grabbing coffee with ${p.name} later.`,
          `${p.name} says hi!`,
          `Long call with ${p.name} about nothing in particular.`,
          `Helping ${p.name} with some paperwork tonight.`,
        ]),
      );
      ack();
    } else if (x < 0.83) {
      // The user's own earlier questions: they stay in the history like everything else.
      const p = one(people);
      b.say(
        'user',
        one([
          `Wait, where does ${p.name} live again?`,
          `What was ${p.name}'s job again?`,
          `Do you remember what I'm allergic to?`,
          'Which company do I work for, remind me?',
          `Did I tell you what ${p.name} gave me?`,
          'What was the name of our pet again?',
          'Where did I say I was travelling?',
        ]),
      );
      b.say(
        'assistant',
        one([
          'Let me check what I remember.',
          'I am not completely sure, could you remind me?',
          'Good question, I may have lost track.',
        ]),
      );
    } else {
      b.say('user', one(['Busy week.', 'Feeling tired today.', 'Weather is weird today.']));
      b.say('assistant', one(['Take it easy!', 'Hope it gets better.']));
    }
  };

  const shuffle = <T>(xs: T[]): T[] => take(xs, xs.length);
  const plan: Beat[][] = Array.from({ length: SESSIONS }, () => []);
  const place = (beats: Beat[], from: number, to: number) => {
    for (const beat of shuffle(beats)) plan[from + Math.floor(r() * (to - from))]!.push(beat);
  };
  place(early, 0, 8);
  place(middle, 8, 16);
  place(late, 16, SESSIONS);
  for (let s = 0; s < SESSIONS; s++) {
    b.startSession(s, 15);
    const beats = shuffle(plan[s]!);
    const slots = Math.max(beats.length, 0);
    let placed = 0;
    while (b.sessions.length === s && (countTurns(b) < TURNS_PER_SESSION || placed < slots)) {
      if (placed < slots && (r() < 0.35 || countTurns(b) >= TURNS_PER_SESSION - 4))
        beats[placed++]!();
      else filler();
      if (countTurns(b) > TURNS_PER_SESSION + 12) break;
    }
    while (placed < slots) beats[placed++]!();
  }
  homeQuestions();
  jobQuestions();
  petQuestions();
  hobbyQuestions();
  miscQuestions();
  for (const text of [
    'How do volcanoes form?',
    'Write a haiku about autumn.',
    "What's 17 times 23?",
    'Any tips for a job interview?',
    'Explain how a rainbow forms.',
  ])
    ask('off-topic', [text], () => []);
  const sessions = b.finish();
  const questions = asks.map((q) => q());
  return {
    sessions,
    questions: questions.filter(
      (q) => q.kind === 'off-topic' || (q.evidence.every(Boolean) && q.evidence.length > 0),
    ),
  };
}

function countTurns(b: ConversationBuilder): number {
  return b.turnsInSession;
}
