// Syntactic complexity without a parser: finite verb groups approximate clauses, and a closed set
// of subordinators marks subordination. Written for learner speech, where parsers stumble anyway.
import { SUBJECT_PRONOUNS } from './tokens.js';

// Finite auxiliaries, modals and contractions, with and without the apostrophe (transcribers drop it).
const FINITE_AUX = new Set([
  'am',
  'is',
  'are',
  'was',
  'were',
  'has',
  'have',
  'had',
  'do',
  'does',
  'did',
  'will',
  'would',
  'can',
  'could',
  'shall',
  'should',
  'may',
  'might',
  'must',
  "i'm",
  "you're",
  "we're",
  "they're",
  "he's",
  "she's",
  "it's",
  "that's",
  "there's",
  "what's",
  "i've",
  "you've",
  "we've",
  "they've",
  "i'd",
  "you'd",
  "he'd",
  "she'd",
  "we'd",
  "they'd",
  "i'll",
  "you'll",
  "he'll",
  "she'll",
  "we'll",
  "they'll",
  "it'll",
  "don't",
  "doesn't",
  "didn't",
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  "can't",
  "couldn't",
  "won't",
  "wouldn't",
  "shouldn't",
  "haven't",
  "hasn't",
  "hadn't",
  "mustn't",
  'im',
  'youre',
  'theyre',
  'hes',
  'shes',
  'thats',
  'theres',
  'whats',
  'ive',
  'youve',
  'weve',
  'theyve',
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'arent',
  'wasnt',
  'werent',
  'cant',
  'couldnt',
  'wont',
  'wouldnt',
  'shouldnt',
  'havent',
  'hasnt',
  'hadnt',
]);

// Words that cannot be the verb right after a subject ("I really like" waits for "like").
const NOT_A_VERB = new Set([
  'really',
  'also',
  'always',
  'never',
  'just',
  'often',
  'usually',
  'sometimes',
  'still',
  'only',
  'even',
  'already',
  'actually',
  'probably',
  'maybe',
  'all',
  'both',
  'and',
  'or',
  'but',
  'so',
  'the',
  'a',
  'an',
  'to',
  'of',
  'in',
  'on',
  'at',
  'for',
  'with',
  'not',
  'too',
  'then',
  'again',
  'myself',
  'yourself',
  'themselves',
  'ourselves',
  'himself',
  'herself',
  'who',
  'that',
  'which',
]);

export const SUBORDINATORS = new Set([
  'because',
  'if',
  'when',
  'while',
  'although',
  'though',
  'unless',
  'until',
  'whether',
  'which',
  'who',
  'whom',
  'whose',
  'whenever',
  'wherever',
  'whereas',
  'since',
  'once',
]);

// Discourse connectives whose variety signals organised speech.
export const CONNECTIVES = new Set([
  'and',
  'but',
  'so',
  'because',
  'then',
  'also',
  'however',
  'although',
  'though',
  'first',
  'firstly',
  'second',
  'secondly',
  'finally',
  'actually',
  'therefore',
  'moreover',
  'besides',
  'instead',
  'otherwise',
  'anyway',
  'meanwhile',
  'furthermore',
  'nevertheless',
  'whereas',
  'example',
  'instance',
  'addition',
  'result',
  'opinion',
  'overall',
  'especially',
  'unless',
  'while',
  'if',
  'or',
  'since',
  'later',
  'afterwards',
  'eventually',
  'consequently',
  'hence',
]);

const CLAUSE_OPENERS = new Set([...SUBORDINATORS, 'and', 'but', 'so', 'or', 'then', 'that', 'where', 'what', 'how', 'why']);

/** Number of finite verb groups: each starts a clause. */
export function countClauses(words: readonly string[]): number {
  let clauses = 0;
  let inVerbGroup = false;
  let afterSubject = false;
  for (const w of words) {
    let verbal = FINITE_AUX.has(w);
    if (!verbal && afterSubject && !NOT_A_VERB.has(w) && !SUBJECT_PRONOUNS.has(w)) verbal = true;
    if (verbal && !inVerbGroup) clauses++;
    inVerbGroup = verbal;
    if (SUBJECT_PRONOUNS.has(w)) afterSubject = true;
    else if (!NOT_A_VERB.has(w) || verbal) afterSubject = false;
  }
  return clauses;
}

/** Subordinators, plus "that" introducing a clause ("I think that he ...", "the place that we ..."). */
export function countSubordination(words: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (SUBORDINATORS.has(w)) n++;
    else if (w === 'that' && SUBJECT_PRONOUNS.has(words[i + 1] ?? '')) n++;
    else if ((w === 'so' && words[i + 1] === 'that') || (w === 'order' && words[i + 1] === 'to')) n++;
  }
  return n;
}

/** A silent pause before this word falls at a clause boundary rather than inside a clause. */
export function opensClause(word: string, previousEndedSentence: boolean): boolean {
  return previousEndedSentence || CLAUSE_OPENERS.has(word) || SUBJECT_PRONOUNS.has(word);
}

export function countConnectiveTypes(words: readonly string[]): number {
  const seen = new Set<string>();
  for (const w of words) if (CONNECTIVES.has(w)) seen.add(w);
  return seen.size;
}

/** Words per stretch when measuring connective variety. */
export const CONNECTIVE_WINDOW = 100;

/**
 * Distinct connectives per CONNECTIVE_WINDOW-word stretch, averaged over the stretches; a sample
 * shorter than one stretch counts as one.
 */
export function connectiveVariety(words: readonly string[]): number {
  if (words.length < CONNECTIVE_WINDOW) return countConnectiveTypes(words);
  let sum = 0;
  let blocks = 0;
  for (let i = 0; i + CONNECTIVE_WINDOW <= words.length; i += CONNECTIVE_WINDOW) {
    sum += countConnectiveTypes(words.slice(i, i + CONNECTIVE_WINDOW));
    blocks++;
  }
  return sum / blocks;
}
