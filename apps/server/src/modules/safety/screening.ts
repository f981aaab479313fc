import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { RegExpMatcher, TextCensor, asteriskCensorStrategy, englishDataset, englishRecommendedTransformers } from 'obscenity';
import type { Bus } from '../../platform/bus/bus.js';
import type { Cache } from '../../platform/cache/cache.js';
import { nowMs, toIso } from '../../platform/db/database.js';
import { openAiUrl } from '../../platform/http/openai-url.js';
import * as repo from './repository.js';
import type { SafetyTables } from './repository.js';
import { createSpamBursts } from './spam.js';

/**
 * Korean abuse the team keeps (no maintained Korean list is kept on npm): stems of the common
 * swear words, matched inside words because Korean attaches endings and particles.
 */
export const KOREAN_TERMS = [
  '씨발',
  '시발',
  'ㅅㅂ',
  'ㅆㅂ',
  '병신',
  'ㅂㅅ',
  '개새끼',
  '개새기',
  '좆',
  '지랄',
  '니애미',
  '느금마',
  '닥쳐',
  '꺼져',
  '썅',
  '씹',
  '미친놈',
  '미친년',
  '창녀',
  '걸레년',
];
/**
 * Ordinary Korean words that contain a listed stem (the Korean Scunthorpe problem): 시발점 is a
 * starting point, 씨발라 is "peel the seeds", 씹다 is to chew, 병신년 the year of 丙申.
 */
export const KOREAN_ALLOWED = [
  '시발점',
  '시발역',
  '시발택시',
  '씨발라',
  '씨를 발라',
  '씹어',
  '씹다',
  '씹는',
  '씹고',
  '씹을',
  '씹은',
  '병신년',
  '병신춘문예',
];

/** What a piece of text looked like to the screen. */
export interface Verdict {
  /** Abusive words were found: the recipient sees it masked until they choose to. */
  masked: boolean;
  terms: string[];
}
const CLEAN: Verdict = { masked: false, terms: [] };

const WORDS_CHANNEL = 'safety:words-changed';
/** Intro texts whose verdict is remembered (a few hundred bytes each). */
const MAX_SHOWN_VERDICTS = 20_000;

export type FlagSource = 'message' | 'intro' | 'name' | 'report-comment' | 'spam' | 'moderation';
export type Screening = ReturnType<typeof createScreening>;

/**
 * Screens text against the English list (obscenity's dataset, which knows the Scunthorpe cases),
 * the team's Korean list with its allowed words, and the administrators' own words; optionally an
 * OpenAI-compatible moderation endpoint after the fact. Hits are recorded as automatic flags.
 * A burst of the same text to many rooms is spam: flagged once and throttled, counted over every
 * node (spam.ts).
 */
export function createScreening(deps: {
  db: Kysely<SafetyTables>;
  bus: Bus;
  /** The shared counters of spam bursts (Redis across nodes, in-process when embedded). */
  cache: Pick<Cache, 'increment'>;
  moderation: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number } | null;
  log: { warn(context: object, message: string): void };
}) {
  const { db } = deps;
  const english = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  /**
   * Whether text shown to others (an intro on a partner card) is masked, remembered per text until
   * the word lists change: every recommendations page checks 20 intros, mostly the same people's,
   * and the English matcher takes tens of microseconds on a paragraph.
   */
  const shownVerdicts = new Map<string, boolean>();
  let adminWords: string[] = [];
  let adminLatin: RegExp | null = null;
  const censor = new TextCensor().setStrategy(asteriskCensorStrategy());
  const loadWords = async () => {
    adminWords = (await repo.adminWords(db)).map((w) => w.word.toLowerCase());
    const latin = adminWords.filter((w) => !/[\u3131-\uD79D]/.test(w)).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    // Whole words only: a listed word inside a longer word is someone's ordinary word.
    adminLatin = latin.length ? new RegExp(`(?<![\\p{L}\\p{N}])(${latin.join('|')})(?![\\p{L}\\p{N}])`, 'iu') : null;
    shownVerdicts.clear();
  };
  const ready = loadWords().catch((error) => deps.log.warn({ err: error }, 'screening: word list not loaded'));
  void deps.bus.subscribe(WORDS_CHANNEL, () => void loadWords()).catch(() => undefined);

  function koreanHits(text: string): string[] {
    if (!/[\u3131-\uD79D]/.test(text)) return [];
    const compact = text.replace(/[\s.·_\-*]+/g, '');
    let scrubbed = compact;
    for (const allowed of KOREAN_ALLOWED) scrubbed = scrubbed.split(allowed.replace(/\s+/g, '')).join(' ');
    const hangulAdmin = adminWords.filter((w) => /[\u3131-\uD79D]/.test(w));
    return [...KOREAN_TERMS, ...hangulAdmin].filter((t) => scrubbed.includes(t));
  }

  function maskedWhenShown(text: string): boolean {
    let masked = shownVerdicts.get(text);
    if (masked === undefined) {
      masked = check(text).masked;
      if (shownVerdicts.size >= MAX_SHOWN_VERDICTS) shownVerdicts.delete(shownVerdicts.keys().next().value!);
      shownVerdicts.set(text, masked);
    }
    return masked;
  }

  /** The word lists alone: synchronous and a few microseconds, so it runs on the message path. */
  function check(text: string): Verdict {
    if (!text) return CLEAN;
    const terms = koreanHits(text);
    // The English matcher runs only on text with Latin letters: most Korean messages skip it.
    if (/[A-Za-z]/.test(text) && english.hasMatch(text)) terms.push('english-list');
    const admin = adminLatin?.exec(text);
    if (admin) terms.push(admin[1]!.toLowerCase());
    return terms.length ? { masked: true, terms } : CLEAN;
  }

  /**
   * Text as other people see it when it is too short to offer "show anyway" (a name): the listed
   * words become asterisks, the rest stays, so people remain told apart. Letters spread out to
   * dodge the list (씨 발) leave no listed word to cover: then all of it is hidden.
   */
  function mask(text: string): string {
    // Names are read for every card and list: the verdict is remembered per text (maskedWhenShown).
    if (!maskedWhenShown(text)) return text;
    let out = /[A-Za-z]/.test(text) ? censor.applyTo(text, english.getAllMatches(text, true)) : text;
    for (const term of koreanHits(out)) out = out.split(term).join('*'.repeat(term.length));
    if (adminLatin) out = out.replace(new RegExp(adminLatin.source, 'giu'), (word) => '*'.repeat(word.length));
    return check(out).masked ? out.replace(/\S/gu, '*') : out;
  }

  async function flag(userId: string, source: FlagSource, refId: string | null, detail: string) {
    await repo
      .insertFlag(db, { id: randomUUID(), user_id: userId, source, ref_id: refId, detail: detail.slice(0, 200), at: nowMs() })
      .catch((error) => deps.log.warn({ err: error }, 'screening: flag not stored'));
  }

  /** Asks the moderation endpoint, off the message path; a flag is recorded when it says so. */
  function moderateLater(userId: string, source: FlagSource, refId: string | null, text: string) {
    const m = deps.moderation;
    if (!m || !text.trim()) return;
    void (async () => {
      try {
        const response = await fetch(openAiUrl(m.baseUrl, 'moderations'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(m.apiKey ? { authorization: `Bearer ${m.apiKey}` } : {}) },
          body: JSON.stringify({ model: m.model, input: text }),
          signal: AbortSignal.timeout(m.timeoutMs),
        });
        if (!response.ok) throw new Error(`moderation answered ${response.status}`);
        const body = (await response.json()) as { results?: { flagged?: boolean; categories?: Record<string, boolean> }[] };
        const result = body.results?.[0];
        if (result?.flagged) {
          const categories = Object.entries(result.categories ?? {})
            .filter(([, v]) => v)
            .map(([k]) => k);
          await flag(userId, 'moderation', refId, `${source}: ${categories.join(', ') || 'flagged'}`);
        }
      } catch (error) {
        deps.log.warn({ err: error }, 'screening: moderation endpoint failed; the word lists still apply');
      }
    })();
  }

  const spam = createSpamBursts({
    cache: deps.cache,
    bus: deps.bus,
    flag: (senderId, detail) => flag(senderId, 'spam', null, detail),
    log: deps.log,
  });

  return {
    ready,
    check,
    maskedWhenShown,
    mask,
    /** Spam counts still waiting to be shared, added now (tests; shutdown). */
    settle: spam.settle,
    close: spam.close,

    /** A chat message on its way in: refused when it is a spam burst, otherwise masked or not. */
    screenMessage(senderId: string, roomId: string, text: string): { spam: true } | { spam: false; verdict: Verdict } {
      const now = Date.now();
      if (spam.burst(senderId, roomId, text, now)) return { spam: true };
      const verdict = check(text);
      if (verdict.masked) void flag(senderId, 'message', roomId, verdict.terms.join(', '));
      moderateLater(senderId, 'message', roomId, text);
      return { spam: false, verdict };
    },

    /** Self-introductions, names and report comments: flagged (and masked where they are shown). */
    async screenText(userId: string, source: FlagSource, text: string, refId: string | null): Promise<Verdict> {
      const verdict = check(text);
      if (verdict.masked) await flag(userId, source, refId, verdict.terms.join(', '));
      moderateLater(userId, source, refId, text);
      return verdict;
    },

    async adminWords() {
      return { items: (await repo.adminWords(db)).map((w) => ({ word: w.word, addedAt: toIso(w.added_at)! })) };
    },
    async addWord(adminId: string, word: string) {
      const clean = word.trim().toLowerCase();
      if (!(await repo.adminWords(db)).some((w) => w.word === clean))
        await repo.addWord(db, { word: clean, added_by: adminId, added_at: nowMs() });
      await repo.appendAudit(db, {
        id: randomUUID(),
        at: nowMs(),
        actor_id: adminId,
        action: 'word-add',
        subject_id: null,
        report_id: null,
        reason: clean,
      });
      await loadWords();
      await deps.bus.publish(WORDS_CHANNEL, '1');
    },
    async removeWord(adminId: string, word: string) {
      const clean = word.trim().toLowerCase();
      await repo.removeWord(db, clean);
      await repo.appendAudit(db, {
        id: randomUUID(),
        at: nowMs(),
        actor_id: adminId,
        action: 'word-remove',
        subject_id: null,
        report_id: null,
        reason: clean,
      });
      await loadWords();
      await deps.bus.publish(WORDS_CHANNEL, '1');
    },
  };
}
