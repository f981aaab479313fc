// Turning recogniser words into the tokens the features count: normalised text, filled pauses,
// repetitions and self-repairs.

export interface Token {
  /** Lower-case letters, digits, apostrophes and inner hyphens; '' when nothing is left. */
  norm: string;
  /** The recogniser ended a sentence here (., ? or !). */
  sentenceEnd: boolean;
  /** A cut-off word ("wh-") as recognisers write them. */
  fragment: boolean;
}

export function normaliseWord(text: string): Token {
  const raw = String(text ?? '').trim();
  const sentenceEnd = /[.?!]["')\]]*$/.test(raw);
  const fragment = /\w-$/.test(raw);
  const norm = raw
    .toLowerCase()
    .replace(/’/g, "'")
    .replace(/[^a-z0-9'-]+/g, '')
    .replace(/^['-]+|['-]+$/g, '');
  return { norm, sentenceEnd, fragment };
}

// Hesitation sounds as recognisers and transcribers spell them: um, uhm, er, erm, eh, ah, hmm, mm,
// mhm, urr, and stretched variants.
const FILLED_PAUSE = /^(?:u+h*m+|u+h+|e+r+m*|e+h+|e+m+|a+h+|h+m+|m+h*m*|u+r+m*|e+u+|e+|u+|o+h+|uh-huh|mh-?hmm|m-hm|hm-?mm)$/;

export function isFilledPause(norm: string): boolean {
  return FILLED_PAUSE.test(norm);
}

export const SUBJECT_PRONOUNS = new Set(['i', 'you', 'he', 'she', 'we', 'they', 'it', 'there']);

// Words a speaker typically restarts from: pronouns, determiners, prepositions, question words.
const RESTART_WORDS = new Set([
  'i',
  'you',
  'he',
  'she',
  'we',
  'they',
  'it',
  'the',
  'a',
  'an',
  'my',
  'his',
  'her',
  'our',
  'their',
  'this',
  'in',
  'on',
  'at',
  'for',
  'with',
  'about',
  'what',
  'how',
  'why',
  'where',
  'when',
  'is',
  'was',
  'are',
  'do',
  'does',
  'did',
  'can',
  'if',
  'because',
]);
// "I think I ...", "he said he ..." repeat the subject by grammar, not by repair.
const REPORTING_VERBS = new Set([
  'think',
  'thought',
  'guess',
  'believe',
  'hope',
  'know',
  'knew',
  'mean',
  'said',
  'say',
  'says',
  'feel',
  'felt',
  'wish',
  'want',
  'wanted',
  'heard',
  'hear',
  'see',
  'saw',
  'found',
  'told',
  'tell',
  'and',
  'but',
  'or',
  'so',
  'because',
  'when',
  'if',
  'that',
  'then',
]);

export interface DisfluencyMarks {
  /** Per input token: filled pause, repetition copy, repaired (abandoned) word, or kept. */
  kind: Array<'filled' | 'repetition' | 'repair' | 'kept'>;
  filledPauses: number;
  repetitions: number;
  repairs: number;
}

/**
 * Marks filled pauses, exact repetitions ("I I went", "in the in the") and retraced restarts
 * ("I went I go"); the marked copies are pruned from the counts of what was said.
 */
export function markDisfluencies(tokens: readonly Token[]): DisfluencyMarks {
  const kind: DisfluencyMarks['kind'] = tokens.map((t) => (t.norm === '' || isFilledPause(t.norm) ? 'filled' : 'kept'));
  let filledPauses = 0;
  for (const t of tokens) if (t.norm !== '' && isFilledPause(t.norm)) filledPauses++;
  // Work on the words without filled pauses: "I er I went" is a repetition.
  const idx: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (kind[i] === 'kept') idx.push(i);
  const w = idx.map((i) => tokens[i]?.norm ?? '');
  // A sentence end between two copies means the speaker moved on, not that they retraced.
  const ends = idx.map((i) => tokens[i]?.sentenceEnd ?? false);
  const endsWithin = (from: number, to: number): boolean => ends.slice(from, to).some(Boolean);
  let repetitions = 0;
  let repairs = 0;
  let p = 0;
  while (p < w.length) {
    let matched = false;
    const tok = tokens[idx[p] ?? 0];
    if (tok?.fragment) {
      kind[idx[p] ?? 0] = 'repair';
      repairs++;
      p++;
      continue;
    }
    for (let n = 3; n >= 1 && !matched; n--) {
      if (p + 2 * n > w.length) continue;
      let same = true;
      for (let k = 0; k < n && same; k++) same = w[p + k] === w[p + n + k];
      if (same && endsWithin(p, p + n)) same = false;
      if (same && !(n === 1 && (w[p] === 'that' || w[p] === 'had'))) {
        for (let k = 0; k < n; k++) kind[idx[p + k] ?? 0] = 'repetition';
        repetitions++;
        p += n;
        matched = true;
      }
    }
    if (matched) continue;
    const word = w[p] ?? '';
    if (RESTART_WORDS.has(word)) {
      for (let d = 2; d <= 3; d++) {
        if (p + d >= w.length || w[p + d] !== word) continue;
        if (endsWithin(p, p + d)) break;
        const between = w.slice(p + 1, p + d);
        if (between.some((b) => REPORTING_VERBS.has(b) || b === word)) break;
        // The continuation must differ, else it is a plain repetition handled above.
        if (w[p + d + 1] !== undefined && w[p + d + 1] === w[p + 1]) break;
        for (let k = 0; k < d; k++) kind[idx[p + k] ?? 0] = 'repair';
        repairs++;
        p += d;
        matched = true;
        break;
      }
    }
    if (!matched) p++;
  }
  return { kind, filledPauses, repetitions, repairs };
}
