/**
 * Korean text in the Revised Romanization of Korean (2000), as it sounds: a final consonant
 * moves over to a following vowel (한국어 → hangugeo), meets the next consonant as Korean speakers
 * say it (감사합니다 → gamsahamnida, 설날 → seollal, 독립 → dongnip, 좋다 → jota), and 같이 is
 * gachi. Not covered: tensing that RR does not write anyway, and the word-by-word exceptions
 * (e.g. ㄴ insertion in compounds). Anything that is not Hangul is kept as it is.
 * Kept rather than npm's es-hangul, whose romanize writes tensing that RR leaves out
 * (없어요 → eopsseoyo; RR and this module: eopseoyo).
 */
const INITIALS = ['g', 'kk', 'n', 'd', 'tt', 'r', 'm', 'b', 'pp', 's', 'ss', '', 'j', 'jj', 'ch', 'k', 't', 'p', 'h'];
const MEDIALS = [
  'a',
  'ae',
  'ya',
  'yae',
  'eo',
  'e',
  'yeo',
  'ye',
  'o',
  'wa',
  'wae',
  'oe',
  'yo',
  'u',
  'wo',
  'we',
  'wi',
  'yu',
  'eu',
  'ui',
  'i',
];

type Coda = 'k' | 'n' | 't' | 'l' | 'm' | 'p' | 'ng' | '';
/**
 * Each final: how it sounds before a consonant or at the end, and before a vowel what stays and
 * what moves over to start the next syllable.
 */
const FINALS: { coda: Coda; stays: string; moves: string }[] = [
  { coda: '', stays: '', moves: '' },
  { coda: 'k', stays: '', moves: 'g' }, // ㄱ
  { coda: 'k', stays: '', moves: 'kk' }, // ㄲ
  { coda: 'k', stays: 'k', moves: 's' }, // ㄳ
  { coda: 'n', stays: '', moves: 'n' }, // ㄴ
  { coda: 'n', stays: 'n', moves: 'j' }, // ㄵ
  { coda: 'n', stays: '', moves: 'n' }, // ㄶ (the ㅎ is silent)
  { coda: 't', stays: '', moves: 'd' }, // ㄷ
  { coda: 'l', stays: '', moves: 'r' }, // ㄹ
  { coda: 'k', stays: 'l', moves: 'g' }, // ㄺ
  { coda: 'm', stays: 'l', moves: 'm' }, // ㄻ
  { coda: 'l', stays: 'l', moves: 'b' }, // ㄼ
  { coda: 'l', stays: 'l', moves: 's' }, // ㄽ
  { coda: 'l', stays: 'l', moves: 't' }, // ㄾ
  { coda: 'p', stays: 'l', moves: 'p' }, // ㄿ
  { coda: 'l', stays: '', moves: 'r' }, // ㅀ (the ㅎ is silent)
  { coda: 'm', stays: '', moves: 'm' }, // ㅁ
  { coda: 'p', stays: '', moves: 'b' }, // ㅂ
  { coda: 'p', stays: 'p', moves: 's' }, // ㅄ
  { coda: 't', stays: '', moves: 's' }, // ㅅ
  { coda: 't', stays: '', moves: 'ss' }, // ㅆ
  { coda: 'ng', stays: 'ng', moves: '' }, // ㅇ
  { coda: 't', stays: '', moves: 'j' }, // ㅈ
  { coda: 't', stays: '', moves: 'ch' }, // ㅊ
  { coda: 'k', stays: '', moves: 'k' }, // ㅋ
  { coda: 't', stays: '', moves: 't' }, // ㅌ
  { coda: 'p', stays: '', moves: 'p' }, // ㅍ
  { coda: 't', stays: '', moves: '' }, // ㅎ (silent before a vowel)
];
const FINAL_H = 27;
const FINAL_NH = 6;
const FINAL_LH = 15;
const FINAL_D = 7;
const FINAL_T = 25;
const FINAL_LT = 13;
const [I_G, I_N, I_D, I_R, I_M, I_S, I_NONE, I_J, I_H] = [0, 2, 3, 5, 6, 9, 11, 12, 18];
const MEDIAL_I = 20;
const NASAL: Partial<Record<Coda, Coda>> = { k: 'ng', t: 'n', p: 'm' };
const ASPIRATED: Record<number, string> = { [I_G]: 'k', [I_D]: 't', [I_J]: 'ch' };

interface Syllable {
  initial: number;
  medial: number;
  final: number;
}

function decompose(ch: string): Syllable | null {
  const code = ch.charCodeAt(0) - 0xac00;
  if (code < 0 || code > 11171) return null;
  return { initial: Math.floor(code / 588), medial: Math.floor((code % 588) / 28), final: code % 28 };
}

/** How a final and the next syllable's initial sound together: what ends this syllable, what starts the next. */
function contact(final: number, next: Syllable): { end: string; start: string } {
  const f = FINALS[final]!;
  const start = INITIALS[next.initial]!;
  if (next.initial === I_NONE) {
    // Palatalisation: 굳이 → guji, 같이 → gachi.
    if (next.medial === MEDIAL_I && (final === FINAL_D || final === FINAL_T || final === FINAL_LT))
      return { end: f.stays, start: final === FINAL_D ? 'j' : 'ch' };
    return { end: f.stays, start: f.moves };
  }
  // A final ㅎ aspirates the next ㄱ ㄷ ㅈ, doubles ㅅ and is otherwise silent or nasal.
  if (final === FINAL_H || final === FINAL_NH || final === FINAL_LH) {
    const before = final === FINAL_NH ? 'n' : final === FINAL_LH ? 'l' : '';
    if (ASPIRATED[next.initial]) return { end: before, start: ASPIRATED[next.initial]! };
    if (next.initial === I_S) return { end: before, start: 'ss' };
    if (next.initial === I_N) return { end: final === FINAL_LH ? 'l' : 'n', start: final === FINAL_LH ? 'l' : 'n' };
  }
  // ㄱ ㄷ ㅂ before ㅎ become aspirated: 축하 → chuka.
  if (next.initial === I_H && (f.coda === 'k' || f.coda === 't' || f.coda === 'p'))
    return { end: f.stays === 'l' ? 'l' : '', start: f.coda };
  if (next.initial === I_N || next.initial === I_M) {
    if (f.coda === 'l' && next.initial === I_N) return { end: 'l', start: 'l' };
    return { end: NASAL[f.coda] ?? f.coda, start };
  }
  if (next.initial === I_R) {
    if (f.coda === 'l' || f.coda === 'n') return { end: 'l', start: 'l' };
    if (f.coda === '') return { end: '', start: 'r' };
    return { end: NASAL[f.coda] ?? f.coda, start: 'n' };
  }
  return { end: f.coda, start };
}

export function romanize(text: string): string {
  const chars = [...text];
  const syllables = chars.map(decompose);
  let out = '';
  let start: string | null = null;
  for (let i = 0; i < chars.length; i++) {
    const s = syllables[i];
    if (!s) {
      out += chars[i];
      start = null;
      continue;
    }
    out += (start ?? INITIALS[s.initial]!) + MEDIALS[s.medial]!;
    const next = syllables[i + 1];
    if (next) {
      const joined = contact(s.final, next);
      out += joined.end;
      start = joined.start;
    } else {
      out += FINALS[s.final]!.coda;
      start = null;
    }
  }
  return out;
}

/** Whether a text has Korean in it worth romanising. */
export const hasHangul = (text: string) => /[\uac00-\ud7a3]/.test(text);
