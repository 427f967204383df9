/**
 * Word pools for the long-conversation eval. Several phrasings per idea and
 * synonyms that do not share words, so questions and the turns that answer
 * them often use different words (as people do).
 */

export const FIRST_NAMES = [
  'Maya',
  'Tom',
  'Priya',
  'Lucas',
  'Ana',
  'Ben',
  'Chloe',
  'Diego',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonah',
  'Keiko',
  'Liam',
  'Marta',
  'Nadia',
  'Omar',
  'Paula',
  'Quentin',
  'Rosa',
  'Sam',
  'Tara',
  'Umar',
  'Vera',
  'Wes',
  'Yara',
  'Zoe',
  'Nico',
];

export const RELATIONS = [
  'sister',
  'brother',
  'best friend',
  'colleague',
  'neighbour',
  'cousin',
  'mum',
  'dad',
  'flatmate',
  'boss',
];

export const CITIES = [
  'Lisbon',
  'Porto',
  'Madrid',
  'Berlin',
  'Vienna',
  'Prague',
  'Dublin',
  'Oslo',
  'Helsinki',
  'Athens',
  'Warsaw',
  'Budapest',
  'Amsterdam',
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
  'Osaka',
  'Seoul',
  'Melbourne',
];

export const JOBS = [
  'nurse',
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
  'vet',
  'journalist',
  'civil engineer',
  'photographer',
  'dentist',
  'librarian',
  'pilot',
];

export const EMPLOYERS = [
  'Acme Robotics',
  'Globex',
  'Initech',
  'Umbrella Labs',
  'Stark Logistics',
  'Hooli',
  'Vandelay Imports',
  'Soylent Bio',
  'Tyrell Design',
  'Wonka Sweets',
  'Oceanic Air',
  'Pied Piper',
  'Dunder Paper',
  'Blue Sun',
  'Monarch Solutions',
];

/** [species, a word people also use for it] — questions say the second, turns the first. */
export const PETS: [string, string][] = [
  ['puppy', 'dog'],
  ['kitten', 'cat'],
  ['rabbit', 'bunny'],
  ['parrot', 'bird'],
  ['tortoise', 'turtle'],
  ['hamster', 'pet'],
  ['beagle', 'dog'],
  ['tabby', 'cat'],
];

export const PET_NAMES = [
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
  'Waffles',
  'Pickle',
];

/** [what was started, how a question may call it] */
export const HOBBIES: [string, string][] = [
  ['pottery classes', 'ceramics'],
  ['rock climbing', 'bouldering'],
  ['learning the cello', 'music lessons'],
  ['trail running', 'running'],
  ['watercolour painting', 'painting'],
  ['birdwatching', 'bird spotting'],
  ['salsa lessons', 'dancing'],
  ['beekeeping', 'bees'],
  ['sourdough baking', 'bread'],
  ['learning Japanese', 'language course'],
  ['chess club', 'chess'],
  ['sailing lessons', 'boating'],
];

/** [gift, broader word] */
export const GIFTS: [string, string][] = [
  ['silver necklace', 'jewellery'],
  ['leather wallet', 'wallet'],
  ['vintage watch', 'watch'],
  ['cookbook', 'book'],
  ['wool scarf', 'scarf'],
  ['record player', 'music player'],
  ['bonsai tree', 'plant'],
  ['espresso machine', 'coffee maker'],
  ['hand-painted mug', 'mug'],
];

export const FOODS = [
  'ramen',
  'tacos',
  'mushroom risotto',
  'pad thai',
  'grilled sardines',
  'falafel',
  'lasagne',
  'dumplings',
  'shakshuka',
  'pho',
];

export const ALLERGENS = ['peanuts', 'shellfish', 'penicillin', 'cats', 'pollen', 'sesame'];

export const TRIPS = [
  'Iceland',
  'Japan',
  'Morocco',
  'Peru',
  'Vietnam',
  'Norway',
  'Scotland',
  'Sicily',
  'Croatia',
  'Mexico',
];

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** What people ask an assistant between the personal bits. */
export const SMALL_TALK: [string, string][] = [
  [
    'Can you help me write a short thank-you note for a coworker?',
    'Of course! Here is a draft: "Thank you so much for your help this week, it made a real difference."',
  ],
  [
    'What is a good recipe for banana bread?',
    'Mash three ripe bananas, mix with melted butter, sugar, an egg, flour and baking soda, then bake for about an hour at 175°C.',
  ],
  [
    'How do I fix a squeaky door hinge?',
    'A few drops of oil or a bit of petroleum jelly on the hinge pin usually does it.',
  ],
  ['Ugh, Mondays.', 'Hang in there! Anything I can help with to make it easier?'],
  ['Tell me a fun fact.', 'Octopuses have three hearts and blue blood.'],
  [
    'How long should I boil an egg for a runny yolk?',
    'About six minutes in boiling water, then straight into cold water.',
  ],
  [
    'Any tips for sleeping better?',
    'Keep a regular schedule, avoid screens before bed and keep the room cool and dark.',
  ],
  ['What is the capital of Australia?', 'Canberra.'],
  ['lol ok', '😄'],
  ['Can you convert 5 miles to kilometres?', 'That is about 8.05 kilometres.'],
  ['Give me a synonym for happy.', 'Cheerful, joyful or content all work.'],
  [
    'How do I keep basil alive indoors?',
    'Lots of sun, water when the top of the soil is dry, and pinch off the flowers.',
  ],
  [
    'What should I watch tonight?',
    'If you like mysteries, a classic whodunit is always a good pick.',
  ],
  ['Thanks, that helps!', 'Happy to help!'],
  ['Good morning!', 'Good morning! How can I help today?'],
  [
    'Remind me how compound interest works.',
    'Interest is added to the principal, so later interest is earned on earlier interest too.',
  ],
];

export const ACKS = [
  'That sounds lovely.',
  'Thanks for telling me!',
  'Oh nice, good to know.',
  'Got it.',
  'That is great news.',
  'How exciting!',
  'I will keep that in mind.',
  'Sounds like a big change.',
];
