import { describe, expect, it } from 'vitest';
import { scoreText } from '../src/index.js';

// Short, simple sentences of the kind beginners' textbooks are made of (written for this test, in
// the style of CEFR-SP's SCoRE part, which STUDYMATE does not have): the text model was fitted on
// Wikipedia sentences, where almost nothing is A1-A2, and must still place these low (issue #15:
// the held-out check is QWK >= 0.58 on such sentences).
const BEGINNER = [
  'I have a dog .',
  'She is my sister .',
  'We play soccer after school .',
  'My father is a doctor .',
  'This is my pen .',
  'I like apples very much .',
  'He goes to school by bus .',
  'It is sunny today .',
  'Can you swim ?',
  'I was tired yesterday .',
  'They are watching TV now .',
  'Tom has two brothers .',
  'What time is it ?',
  'My room is small but clean .',
  'I get up at seven every morning .',
  'We went to the park last Sunday .',
  'Do you like music ?',
  'The cat is under the table .',
  'I want to eat pizza for dinner .',
  'Her birthday is in May .',
];

// Textbook sentences further on (B1-B2): they must come out higher, so the test above cannot be
// passed by placing everything low.
const INTERMEDIATE = [
  'Although it was raining heavily , we decided to continue our journey to the mountains .',
  'If I had known about the traffic , I would have left home much earlier .',
  'The museum , which was built in the nineteenth century , attracts thousands of visitors every year .',
  'Many scientists believe that climate change will seriously affect agriculture in the coming decades .',
  'She apologised for the misunderstanding and promised to explain the situation more clearly .',
];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('short, simple sentences', () => {
  const beginner = BEGINNER.map((s) => ({ s, r: scoreText(s) }));
  const intermediate = INTERMEDIATE.map((s) => ({ s, r: scoreText(s) }));

  it("places beginners' textbook sentences at A1-A2", () => {
    for (const { s, r } of beginner) expect(['A1', 'A2'], `${s} -> ${r.score}`).toContain(r.level);
    // On average in the lower half of the two bands, and some at A1: the lowest band is reachable by text.
    expect(mean(beginner.map(({ r }) => r.score))).toBeLessThan(2.5);
    expect(beginner.filter(({ r }) => r.level === 'A1').length).toBeGreaterThanOrEqual(BEGINNER.length / 4);
  });

  it("places later textbook sentences above every beginners' sentence, at B1 or higher", () => {
    const highestBeginner = Math.max(...beginner.map(({ r }) => r.score));
    for (const { s, r } of intermediate) {
      expect(r.score, s).toBeGreaterThan(highestBeginner);
      expect(r.score, s).toBeGreaterThanOrEqual(3);
    }
  });

  it("keeps the vocabulary and grammar of beginners' sentences low too", () => {
    // A2 on average, never past the first half of B1 ("I get up at seven every morning" reads as a
    // longer sentence than its words are).
    for (const key of ['vocabularyRange', 'grammaticalComplexity'] as const) {
      expect(mean(beginner.map(({ r }) => r.subScores[key])), key).toBeLessThan(3);
      for (const { s, r } of beginner) expect(r.subScores[key], `${key}: ${s}`).toBeLessThan(3.55);
    }
  });
});
