import { describe, expect, it } from 'vitest';
import { scoreLevelTest, type PromptStage, type SubScores } from '../src/index.js';
import { timedAnswer } from './helpers.js';

// Four answers (introduce yourself, tell a past event, give an opinion, imagine) as learners of each
// level might say them. Issue #15: a B1 script once scored vocabulary 1.6 and grammar 5.75; the
// sub-scores of one learner's answers should agree within about a band, and follow the level.
const SCRIPTS: Record<string, string[]> = {
  A1: [
    'Hello. My name is Sora. I am from Korea. I live in Incheon with my mother and my brother. I am a student. I like music and I like pizza.',
    'Yesterday I go to the market with my mother. We buy fish and apples. Then we eat lunch at home. It was good. I was happy.',
    'I like summer. It is hot and I can swim. Winter is cold. I do not like winter. Summer is my best season.',
    'In the future I want a big house. I want a dog. I want to go to America. I want to speak English very well.',
  ],
  A2: [
    "Hi, I'm Daniel. I'm twenty-two years old and I'm from Daegu. I study computer science at university. In my free time I play games with my friends and sometimes I watch movies.",
    'Last weekend I visited my grandparents in the country. We cooked dinner together and after dinner we watched TV. On Sunday we went for a walk near the river. It was very relaxing.',
    'I think big cities are better than small towns because there are more jobs and more shops. But big cities are also noisy and expensive, so some people prefer small towns.',
    'Next year I will maybe travel to Japan with my friends. We want to visit Tokyo and eat a lot of sushi. I hope it will not be too expensive.',
  ],
  B1: [
    "Hello, I'm Hana. I work in the marketing department of a furniture company, where I prepare reports and meet customers. I've been learning English for three years because I often need it at work.",
    'When I was at university, I joined a hiking club. Once we got lost in the forest because the weather suddenly changed. We were worried, but finally we found the path and arrived at the hut before dark.',
    "In my opinion, students should have part-time jobs, because they learn how to manage money and talk to different people. However, they shouldn't work too much, otherwise their grades might get worse.",
    'If I had more free time, I would learn to play the guitar. I think it would help me relax after work, and maybe one day I could play songs for my friends at parties.',
  ],
  B2: [
    "I'm Seojun, and I'm currently working as a software developer for a start-up that builds tools for hospitals. What I enjoy most about my job is solving problems that actually affect patients, although the deadlines can be quite stressful.",
    "A few years ago, I spent six months in Canada on an exchange programme. At first I struggled to understand people, particularly when they spoke quickly, but after a while I got used to the accent and made friends who I'm still in touch with.",
    "Personally, I'm not convinced that social media does more harm than good. It obviously spreads misinformation, but it also allows people to stay connected and raise awareness of important issues, provided they use it responsibly.",
    'Assuming the technology keeps improving, I suspect most cars will drive themselves within twenty years. That would reduce accidents considerably, but it might also mean that millions of drivers lose their jobs unless governments retrain them.',
  ],
  C1: [
    "I'm a research chemist by training, though these days I mostly oversee a team that develops biodegradable packaging. It's rewarding work, not least because our findings occasionally prompt manufacturers to rethink processes they'd taken for granted for decades.",
    "The most formative experience of my career was probably a failed project early on. We'd underestimated how volatile the raw materials were, and when the prototype disintegrated during testing, I had to explain to investors why their funding had seemingly evaporated.",
    "I'd argue that universal basic income is more feasible than its critics acknowledge. Admittedly, the costs are substantial, yet if it streamlined existing welfare bureaucracy and encouraged entrepreneurship, the net burden on taxpayers might be surprisingly modest.",
    "Were I to relocate permanently, I'd be inclined to choose somewhere with a thriving scientific community, perhaps Copenhagen. Having said that, I suspect I'd underestimate how profoundly I'd miss the spontaneity and the food of Seoul.",
  ],
};
const LEVELS = Object.keys(SCRIPTS);

/** Every level's test read at the same pace, so only the words differ. */
function subScoresOf(level: string): SubScores {
  const answers = SCRIPTS[level]!.map((text, i) => timedAnswer(text, { stage: (i + 1) as PromptStage, wordSec: 0.35 }));
  return scoreLevelTest({ answers }).subScores;
}

/** Rank correlation of two lists without ties. */
function spearman(a: number[], b: number[]): number {
  const rank = (xs: number[]) => xs.map((x) => xs.filter((y) => y < x).length);
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  const d2 = ra.reduce((s, r, i) => s + (r - rb[i]!) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('vocabulary and grammar sub-scores of one learner', () => {
  const scored = Object.fromEntries(LEVELS.map((l) => [l, subScoresOf(l)]));

  it.each(LEVELS)('agree within about a band for %s answers', (level) => {
    const s = scored[level]!;
    expect(Math.abs(s.vocabularyRange - s.grammaticalComplexity), JSON.stringify(s)).toBeLessThanOrEqual(1.25);
  });

  it('rise with the level of the answers, a band or more apart from A1 to C1', () => {
    const intended = LEVELS.map((_, i) => i + 1);
    for (const key of ['vocabularyRange', 'grammaticalComplexity'] as const) {
      const values = LEVELS.map((l) => scored[l]![key]);
      expect(spearman(values, intended), `${key}: ${values.join(', ')}`).toBeGreaterThanOrEqual(0.9);
      expect(scored.C1![key] - scored.A1![key], key).toBeGreaterThanOrEqual(1);
    }
  });
});
