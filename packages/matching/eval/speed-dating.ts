// The adapter: maps the speed-dating columns onto the engine's own inputs (MatchProfile), so the
// evaluation measures the engine itself, not a separate model. Evaluation only; reads nothing.
import { emptyPreference, recordDecision, type MatchProfile } from '../src/index.js';

/** One row: a meeting seen from `iid`, who decided `dec` about `pid`. */
export interface Meeting {
  iid: number;
  pid: number;
  wave: number;
  dec: boolean;
  match: boolean;
}

export interface Person {
  iid: number;
  wave: number;
  gender: 'female' | 'male';
  age: number | null;
  goal: string | null;
  field: string | null;
  career: string | null;
  /** The 17 interests rated 1-10. */
  interests: Record<string, number>;
}

export const INTERESTS = [
  'sports',
  'tvsports',
  'exercise',
  'dining',
  'museums',
  'art',
  'hiking',
  'gaming',
  'clubbing',
  'reading',
  'tv',
  'theater',
  'movies',
  'concerts',
  'music',
  'shopping',
  'yoga',
];

/**
 * An interest rated 8 or more out of 10 is a topic the person would tick: the top of the scale, and
 * on average about five of the 17 per person, close to the three to five topics people pick in the
 * onboarding step.
 */
const TOPIC_MIN_RATING = 8;

/** A reference instant for ages (the experiment ran in 2002-2004). */
export const EVAL_NOW = Date.UTC(2003, 0, 1);

/** Splits one CSV line, honouring double-quoted fields ("60,521"). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** Reads the rows; only columns known before the evening, plus `dec` and `match` as outcomes. */
export function parseSpeedDating(csv: string): { meetings: Meeting[]; people: Map<number, Person> } {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitCsvLine(lines[0]!);
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`column ${name} missing`);
    return i;
  };
  const meetings: Meeting[] = [];
  const people = new Map<number, Person>();
  const num = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : Number(v.replace(/,/g, '')));
  for (const line of lines.slice(1)) {
    const c = splitCsvLine(line);
    const iid = num(c[col('iid')])!;
    const pid = num(c[col('pid')]);
    if (pid === null) continue;
    const wave = num(c[col('wave')])!;
    meetings.push({ iid, pid, wave, dec: c[col('dec')] === '1', match: c[col('match')] === '1' });
    if (!people.has(iid)) {
      const interests: Record<string, number> = {};
      for (const name of INTERESTS) {
        const v = num(c[col(name)]);
        if (v !== null) interests[name] = v;
      }
      const text = (name: string) => (c[col(name)]?.trim() ? c[col(name)]!.trim() : null);
      people.set(iid, {
        iid,
        wave,
        gender: c[col('gender')] === '1' ? 'male' : 'female',
        age: num(c[col('age')]),
        goal: text('goal'),
        field: text('field_cd'),
        career: text('career_c'),
        interests,
      });
    }
  }
  return { meetings, people };
}

/**
 * A person as the engine sees them. Every pair here is a woman and a man who met, so the languages
 * are made complementary (women Korean-native learning English, men the reverse) and meet the level
 * asked for: the hard filters pass and the level component is the same for everyone. No schedule,
 * method or partner style exists in the data, so those components drop out.
 */
export function toProfile(p: Person): MatchProfile {
  const native = p.gender === 'female' ? 'ko' : 'en';
  const learns = p.gender === 'female' ? 'en' : 'ko';
  return {
    id: String(p.iid),
    nativeLanguage: native,
    speaks: [],
    learns: [{ language: learns, selfLevel: 'A2', verifiedLevel: null, partnerLevel: 'C1' }],
    topics: Object.entries(p.interests)
      .filter(([, v]) => v >= TOPIC_MIN_RATING)
      .map(([k]) => k),
    motivations: p.goal ? [`goal-${p.goal}`] : [],
    gender: p.gender,
    birthYear: p.age === null ? null : new Date(EVAL_NOW).getUTCFullYear() - p.age,
    partnerGender: 'any',
    partnerAge: null,
    partnerStyles: [],
    communicationMethod: null,
    dailyMinutes: null,
    timeZone: 'America/New_York',
    availability: null,
    lastActiveAt: EVAL_NOW,
    onboarded: true,
    active: true,
    blocked: [],
    mates: [],
    traits: [p.field ? `field-${p.field}` : null, p.career ? `career-${p.career}` : null].filter((t): t is string => t !== null),
    decisions: { given: 0, accepted: 0, received: 0, acceptedBy: 0 },
    preference: emptyPreference(),
  };
}

/**
 * Profiles after learning from `learn`: each person's decisions given and received, and the
 * features of the partners they accepted and declined. Nothing from any other meeting is read.
 */
export function learnProfiles(people: Map<number, Person>, learn: readonly Meeting[]): Map<number, MatchProfile> {
  const base = new Map<number, MatchProfile>();
  for (const [iid, p] of people) base.set(iid, toProfile(p));
  const learned = new Map<number, MatchProfile>();
  for (const [iid, p] of base) learned.set(iid, { ...p, decisions: { ...p.decisions } });
  for (const m of learn) {
    const chooser = learned.get(m.iid);
    const partner = learned.get(m.pid);
    const partnerAsMet = base.get(m.pid);
    if (!chooser || !partner || !partnerAsMet) continue;
    chooser.decisions.given++;
    if (m.dec) chooser.decisions.accepted++;
    partner.decisions.received++;
    if (m.dec) partner.decisions.acceptedBy++;
    chooser.preference = recordDecision(chooser.preference, partnerAsMet, m.dec, EVAL_NOW);
  }
  return learned;
}
