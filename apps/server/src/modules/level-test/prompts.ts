import type { LevelTestPrompt } from '@studymate/contracts';

/** The recording window of a read-aloud item: an 11-syllable sentence takes 3-6 s to read, with time to start. */
export const READ_ALOUD_ANSWER_SEC = 15;

const readAloud = (id: string, text: string): LevelTestPrompt => ({
  id,
  stage: 0,
  title: { ko: '문장 소리 내어 읽기', en: 'Read a sentence aloud' },
  instruction: {
    ko: '아래 영어 문장을 자연스러운 속도로 한 번 소리 내어 읽어 주세요.',
    en: 'Read the sentence below aloud once, at a natural pace.',
  },
  readAloudText: text,
  preparationSec: 10,
  answerSec: READ_ALOUD_ANSWER_SEC,
});

/**
 * The prompt bank: a short read-aloud item first (its printed text lets delivery be measured
 * against what was meant to be said: packages/cefr/src/read-aloud.ts), then four stages that climb
 * the CEFR functions the engine looks for (describe, narrate, argue with reasons, speculate about
 * the abstract), several variants each so a retake hears different questions. Preparation and
 * answer windows grow with the task's demand.
 */
export const PROMPT_BANK: readonly LevelTestPrompt[] = [
  // Stage 0: read aloud. Everyday words, one clause or two, and 11 syllables each, so every variant
  // asks the same length (the read-aloud model reads the text's length: read-aloud.ts) within the
  // lengths of the sentences it was fitted on (speechocean762: 1-17 syllables, median 7).
  readAloud('s0-early-train', 'We took the early train to visit our friends.'),
  readAloud('s0-cooking', 'My brother is learning to cook simple meals.'),
  readAloud('s0-friday-test', 'Our teacher gave us a short test on Friday.'),
  readAloud('s0-park', 'The children played in the park after their lunch.'),
  // Stage 1: self-introduction.
  {
    id: 's1-introduce-yourself',
    stage: 1,
    title: { ko: '자기소개', en: 'Introduce yourself' },
    instruction: {
      ko: '이름, 사는 곳, 하는 일이나 공부, 그리고 좋아하는 것을 영어로 소개해 주세요.',
      en: 'Tell us your name, where you live, what you do or study, and what you enjoy.',
    },
    preparationSec: 15,
    answerSec: 45,
  },
  {
    id: 's1-hometown',
    stage: 1,
    title: { ko: '나의 동네', en: 'Your home town' },
    instruction: {
      ko: '자신을 간단히 소개하고, 살고 있는 도시나 동네가 어떤 곳인지 설명해 주세요.',
      en: 'Introduce yourself briefly and describe the city or neighbourhood where you live.',
    },
    preparationSec: 15,
    answerSec: 45,
  },
  {
    id: 's1-free-time',
    stage: 1,
    title: { ko: '나와 여가 시간', en: 'You and your free time' },
    instruction: {
      ko: '자신을 소개하고, 쉬는 날에 주로 무엇을 하는지 이야기해 주세요.',
      en: 'Introduce yourself and say what you usually do on your days off.',
    },
    preparationSec: 15,
    answerSec: 45,
  },
  // Stage 2: routine or past experience.
  {
    id: 's2-memorable-trip',
    stage: 2,
    title: { ko: '기억에 남는 여행', en: 'A memorable trip' },
    instruction: {
      ko: '기억에 남는 여행에 대해 이야기해 주세요. 어디에 갔고, 무엇을 했고, 왜 기억에 남는지 말해 주세요.',
      en: 'Talk about a trip you remember well: where you went, what happened, and why you remember it.',
    },
    preparationSec: 20,
    answerSec: 60,
  },
  {
    id: 's2-typical-day',
    stage: 2,
    title: { ko: '나의 하루', en: 'A typical day' },
    instruction: {
      ko: '평소의 하루를 아침부터 밤까지 설명하고, 지난 주말에는 무엇을 했는지도 이야기해 주세요.',
      en: 'Describe a normal day from morning to night, then tell us what you did last weekend.',
    },
    preparationSec: 20,
    answerSec: 60,
  },
  {
    id: 's2-learned-something',
    stage: 2,
    title: { ko: '새로 배운 것', en: 'Learning something new' },
    instruction: {
      ko: '최근에 새로 배운 기술이나 취미에 대해, 어떻게 시작했고 어떤 어려움이 있었는지 이야기해 주세요.',
      en: 'Tell us about a skill or hobby you learned recently: how you started and what was difficult.',
    },
    preparationSec: 20,
    answerSec: 60,
  },
  // Stage 3: opinion with reasons.
  {
    id: 's3-online-classes',
    stage: 3,
    title: { ko: '온라인 수업', en: 'Online classes' },
    instruction: {
      ko: '온라인 수업이 교실 수업보다 낫다고 생각하나요? 이유와 예를 들어 의견을 말해 주세요.',
      en: 'Are online classes better than classroom lessons? Give your opinion with reasons and examples.',
    },
    preparationSec: 30,
    answerSec: 75,
  },
  {
    id: 's3-city-or-country',
    stage: 3,
    title: { ko: '도시와 시골', en: 'City or countryside' },
    instruction: {
      ko: '젊은 사람에게는 도시와 시골 중 어디에 사는 것이 더 좋을까요? 장단점을 비교하며 의견을 말해 주세요.',
      en: 'Is it better for young people to live in a city or in the countryside? Compare both and give your view.',
    },
    preparationSec: 30,
    answerSec: 75,
  },
  {
    id: 's3-smartphones-school',
    stage: 3,
    title: { ko: '학교와 스마트폰', en: 'Smartphones at school' },
    instruction: {
      ko: '학교에서 스마트폰 사용을 금지해야 할까요? 찬성 또는 반대 의견을 이유와 함께 말해 주세요.',
      en: 'Should schools ban smartphones? Say whether you agree or disagree, and explain why.',
    },
    preparationSec: 30,
    answerSec: 75,
  },
  // Stage 4: abstract speculation.
  {
    id: 's4-future-work',
    stage: 4,
    title: { ko: '미래의 일', en: 'The future of work' },
    instruction: {
      ko: '인공지능이 발전하면 20년 후 사람들의 일은 어떻게 달라질까요? 가능성과 그 영향을 추측해 보세요.',
      en: 'If artificial intelligence keeps improving, how might work change in twenty years? Speculate about what could happen and what it would mean.',
    },
    preparationSec: 45,
    answerSec: 90,
  },
  {
    id: 's4-no-internet',
    stage: 4,
    title: { ko: '인터넷이 없다면', en: 'A world without the internet' },
    instruction: {
      ko: '만약 인터넷이 발명되지 않았다면 우리의 삶과 사회는 어떻게 달랐을까요? 상상해서 이야기해 주세요.',
      en: 'If the internet had never been invented, how would our lives and societies be different? Imagine and explain.',
    },
    preparationSec: 45,
    answerSec: 90,
  },
  {
    id: 's4-happiness-money',
    stage: 4,
    title: { ko: '행복과 돈', en: 'Happiness and money' },
    instruction: {
      ko: '사회가 더 부유해지면 사람들이 더 행복해질까요? 여러 관점에서 생각해 보고 의견을 말해 주세요.',
      en: 'Would people be happier if societies became richer? Consider different points of view and say what you think.',
    },
    preparationSec: 45,
    answerSec: 90,
  },
];

/**
 * One prompt per stage, avoiding the variants this person answered last time when another
 * exists, so a retake does not repeat itself.
 */
export function drawPrompts(previous: ReadonlySet<string>, random: () => number = Math.random): LevelTestPrompt[] {
  return ([0, 1, 2, 3, 4] as const).map((stage) => {
    const all = PROMPT_BANK.filter((p) => p.stage === stage);
    const fresh = all.filter((p) => !previous.has(p.id));
    const pool = fresh.length ? fresh : all;
    return pool[Math.floor(random() * pool.length) % pool.length]!;
  });
}

/**
 * Seconds an answer may run past its prompt's speaking window: the web app stops recording at the
 * window (a second late at worst, plus its flush), a slow device a little later.
 */
export const ANSWER_MARGIN_SEC = 15;
/**
 * The byte rate the size gate allows for: mono 16-bit at 48 kHz, three times the 16 kHz the web
 * app records. A bigger file is refused before it is read, whatever its header says.
 */
export const ANSWER_BYTES_PER_SEC = 96_000;

export interface AnswerLimit {
  speakingSec: number;
  maxSec: number;
  maxBytes: number;
}

/** How long, and so how big, an answer to this prompt may be; the longest window for an unknown id. */
export function answerLimit(promptId: string): AnswerLimit {
  const speakingSec = PROMPT_BANK.find((p) => p.id === promptId)?.answerSec ?? Math.max(...PROMPT_BANK.map((p) => p.answerSec));
  const maxSec = speakingSec + ANSWER_MARGIN_SEC;
  // 44 bytes of WAV header, and room for a few metadata chunks some recorders add.
  return { speakingSec, maxSec, maxBytes: maxSec * ANSWER_BYTES_PER_SEC + 4096 };
}
