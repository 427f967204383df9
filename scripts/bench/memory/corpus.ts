/**
 * Synthetic but realistic memory text for the benchmarks: what an extractor
 * stores about people (homes, jobs, family, food, plans), and the questions
 * users ask later. Seeded, so every run sees the same data.
 */

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export const CITIES = [
  'Lisbon',
  'Porto',
  'Madrid',
  'Berlin',
  'Paris',
  'Rome',
  'Vienna',
  'Prague',
  'Dublin',
  'Oslo',
  'Helsinki',
  'Athens',
  'Warsaw',
  'Budapest',
  'Amsterdam',
  'Brussels',
  'Zurich',
  'Munich',
  'Seville',
  'Valencia',
  'Krakow',
  'Copenhagen',
  'Stockholm',
  'Edinburgh',
  'Manchester',
  'Toronto',
  'Montreal',
  'Boston',
  'Denver',
  'Austin',
  'Seattle',
  'Chicago',
  'Tokyo',
  'Osaka',
  'Seoul',
  'Singapore',
  'Sydney',
  'Melbourne',
  'Auckland',
  'Cape Town',
  'Nairobi',
  'Lagos',
  'Cairo',
  'Istanbul',
  'Dubai',
  'Mumbai',
  'Bangalore',
  'Lima',
  'Bogota',
  'Santiago',
];
export const COMPANIES = [
  'Acme Robotics',
  'Globex',
  'Initech',
  'Umbrella Labs',
  'Stark Logistics',
  'Wayne Foods',
  'Hooli',
  'Vandelay Imports',
  'Soylent Bio',
  'Cyberdyne',
  'Tyrell Design',
  'Wonka Sweets',
  'Oceanic Air',
  'Massive Dynamic',
  'Aperture Science',
  'Gringotts Bank',
  'Monarch Solutions',
  'Pied Piper',
  'Dunder Paper',
  'Blue Sun',
];
export const JOBS = [
  'nurse',
  'software engineer',
  'teacher',
  'architect',
  'accountant',
  'chef',
  'graphic designer',
  'pharmacist',
  'electrician',
  'product manager',
  'data analyst',
  'lawyer',
  'veterinarian',
  'journalist',
  'civil engineer',
  'photographer',
];
export const FOODS = [
  'spicy food',
  'sushi',
  'Thai curry',
  'dark chocolate',
  'sourdough bread',
  'green tea',
  'espresso',
  'ramen',
  'falafel',
  'grilled sardines',
  'tacos',
  'vegan burgers',
  'Greek salad',
  'mushroom risotto',
  'oat milk lattes',
];
export const HOBBIES = [
  'rock climbing',
  'chess',
  'trail running',
  'watercolour painting',
  'birdwatching',
  'surfing',
  'baking bread',
  'playing the cello',
  'gardening',
  'photography',
  'board games',
  'yoga',
  'cycling',
  'salsa dancing',
  'knitting',
  'fishing',
];
export const PETS = ['dog', 'cat', 'parrot', 'rabbit', 'hamster', 'tortoise'];
export const NAMES = [
  'Miso',
  'Biscuit',
  'Luna',
  'Pepper',
  'Rocco',
  'Ziggy',
  'Nala',
  'Olive',
  'Mango',
  'Pixel',
  'Bruno',
  'Kiwi',
  'Tofu',
  'Juno',
];
export const RELATIVES = ['sister', 'brother', 'daughter', 'son', 'partner', 'mother', 'father'];
export const PEOPLE = [
  'Ana',
  'Joao',
  'Marta',
  'Pedro',
  'Ines',
  'Tiago',
  'Sofia',
  'Rui',
  'Clara',
  'Miguel',
  'Beatriz',
  'Hugo',
  'Leonor',
  'Diogo',
];
export const MONTHS = [
  'January',
  'March',
  'April',
  'June',
  'July',
  'September',
  'October',
  'December',
];
export const DAYS = [
  'Mondays',
  'Tuesdays',
  'Wednesdays',
  'Thursdays',
  'Fridays',
  'Saturdays',
  'Sundays',
];
export const ALLERGENS = [
  'peanuts',
  'shellfish',
  'penicillin',
  'cats',
  'pollen',
  'gluten',
  'lactose',
];

/** One stored memory, as an extractor would phrase it. */
export function memoryText(r: () => number): { text: string; kind: string; importance: number } {
  const f = [
    () => ({ text: `User lives in ${pick(r, CITIES)}`, kind: 'fact', importance: 0.8 }),
    () => ({
      text: `User works as a ${pick(r, JOBS)} at ${pick(r, COMPANIES)}`,
      kind: 'fact',
      importance: 0.7,
    }),
    () => ({
      text: `User's ${pick(r, RELATIVES)} is called ${pick(r, PEOPLE)}`,
      kind: 'fact',
      importance: 0.6,
    }),
    () => ({
      text: `User has a ${pick(r, PETS)} named ${pick(r, NAMES)}`,
      kind: 'fact',
      importance: 0.6,
    }),
    () => ({ text: `User likes ${pick(r, FOODS)}`, kind: 'preference', importance: 0.5 }),
    () => ({
      text: `User enjoys ${pick(r, HOBBIES)} on ${pick(r, DAYS)}`,
      kind: 'preference',
      importance: 0.5,
    }),
    () => ({ text: `User is allergic to ${pick(r, ALLERGENS)}`, kind: 'fact', importance: 0.9 }),
    () => ({
      text: `User is planning a trip to ${pick(r, CITIES)} in ${pick(r, MONTHS)}`,
      kind: 'goal',
      importance: 0.5,
    }),
    () => ({
      text: `User prefers ${pick(r, ['window', 'aisle'])} seats on long flights`,
      kind: 'preference',
      importance: 0.4,
    }),
    () => ({
      text: `User went to a ${pick(r, ['wedding', 'concert', 'conference', 'marathon'])} in ${pick(r, CITIES)} last ${pick(r, MONTHS)}`,
      kind: 'event',
      importance: 0.3,
    }),
  ];
  return pick(r, f)();
}

/** Questions users ask, of the kinds recall has to answer from memory. */
export function queryText(r: () => number): string {
  return pick(r, [
    "What's the weather like where I live?",
    'Can you suggest something for dinner tonight?',
    'Any ideas for my weekend?',
    'Remind me what my dog is called',
    'Plan my next holiday please',
    'Is this recipe safe for me to eat?',
    'Write a short note to my sister',
    'How should I prepare for my job interview at work?',
    `Is ${pick(r, CITIES)} nice in ${pick(r, MONTHS)}?`,
    `I want to get better at ${pick(r, HOBBIES)}`,
  ]);
}
