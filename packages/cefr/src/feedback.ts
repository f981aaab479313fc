// Feedback that names its evidence, in Korean and English, comparing the learner with what the
// calibration data shows for the next level up.
import { SPEECH_FEATURES } from './calibration.js';
import { clampScore, typicalValue } from './scale.js';
import { CEFR_LEVELS, type FeedbackItem, type SpeechFeatures, type SubScores } from './types.js';

/** A sub-score this far above or below the overall level is worth telling the learner about. */
const NOTABLE_GAP = 0.3;

const r0 = (x: number): number => Math.round(x);
const r1 = (x: number): number => Math.round(x * 10) / 10;

export function buildFeedback(score: number, sub: SubScores, f: SpeechFeatures): FeedbackItem[] {
  if (f.prunedWordCount === 0) {
    return [
      {
        kind: 'improve',
        code: 'NO_SPEECH',
        ko: '답변에서 말소리를 찾지 못했어요. 마이크를 확인하고 각 질문에 영어로 답해 보세요.',
        en: 'We found no speech in your answers. Check your microphone and answer each prompt in English.',
        evidence: { words: 0 },
      },
    ];
  }
  const base = Math.floor(clampScore(score));
  const next = Math.min(6, base + 1);
  const nextName = CEFR_LEVELS[next - 1] ?? 'C2';
  const items: FeedbackItem[] = [];
  const kindOf = (value: number): FeedbackItem['kind'] | undefined =>
    value >= score + NOTABLE_GAP ? 'strength' : value <= score - NOTABLE_GAP ? 'improve' : undefined;

  const fluencyKind = kindOf(sub.fluency);
  if (fluencyKind && f.speechRateWpm !== null) {
    const wpm = r0(f.speechRateWpm);
    const target = r0(typicalValue(SPEECH_FEATURES.speechRateWpm.anchor, next));
    const longPauses = r1(f.longPausesPer100Words ?? 0);
    const midPauses = r1(f.midClausePausesPer100Words ?? 0);
    const pausesEn =
      longPauses >= 1 ? `${longPauses} long pauses (over a second) per 100 words` : `${midPauses} pauses inside sentences per 100 words`;
    const pausesKo = longPauses >= 1 ? `100단어마다 1초 넘는 긴 멈춤이 ${longPauses}번` : `100단어마다 문장 중간 멈춤이 ${midPauses}번`;
    items.push(
      fluencyKind === 'improve'
        ? {
            kind: 'improve',
            code: 'FLUENCY_SLOW',
            ko: `1분에 약 ${wpm}단어를 말했고 ${pausesKo} 있었어요. ${nextName} 수준 화자는 보통 1분에 약 ${target}단어를 말해요. 문장 중간보다 문장 사이에서 쉬어 보세요.`,
            en: `About ${wpm} words a minute, with ${pausesEn}; ${nextName} speakers usually manage about ${target} words a minute. Try to pause between sentences rather than inside them.`,
            evidence: {
              speechRateWpm: wpm,
              longPausesPer100Words: longPauses,
              midClausePausesPer100Words: midPauses,
              nextLevelWpm: target,
            },
          }
        : {
            kind: 'strength',
            code: 'FLUENCY_STEADY',
            ko: `1분에 약 ${wpm}단어를 말하며 한 번에 평균 ${r1(f.meanLengthOfRun)}단어씩 끊김 없이 이어 갔어요.`,
            en: `About ${wpm} words a minute, with runs of ${r1(f.meanLengthOfRun)} words on average between pauses.`,
            evidence: { speechRateWpm: wpm, meanLengthOfRun: r1(f.meanLengthOfRun) },
          },
    );
  }
  const fillerTarget = typicalValue(SPEECH_FEATURES.filledPausesPer100Words.anchor, next);
  if (f.wordCount >= 20 && f.filledPausesPer100Words > fillerTarget) {
    const per100 = r0(f.filledPausesPer100Words);
    items.push({
      kind: 'improve',
      code: 'FILLED_PAUSES',
      ko: `100단어마다 "음/어" 같은 채움말이 약 ${per100}번 나왔어요. ${nextName} 화자는 보통 ${r0(fillerTarget)}번 이하예요. "Let me think" 같은 표현으로 시간을 벌어 보세요.`,
      en: `About ${per100} filled pauses ("um", "er") per 100 words; ${nextName} speakers usually use ${r0(fillerTarget)} or fewer. Phrases like "let me think" buy time more naturally.`,
      evidence: { filledPausesPer100Words: per100, nextLevelPer100: r0(fillerTarget) },
    });
  }
  const vocabKind = kindOf(sub.vocabularyRange);
  if (vocabKind) {
    const share = r0(100 * f.advancedWordShare);
    items.push({
      kind: vocabKind,
      code: vocabKind === 'strength' ? 'VOCABULARY_RANGE' : 'VOCABULARY_BASIC',
      ko:
        vocabKind === 'strength'
          ? `여러 가지 단어를 썼고, 쓴 단어 중 ${share}%는 자주 쓰이지 않는 단어였어요.`
          : `대부분 매일 쓰는 쉬운 단어였어요 (자주 쓰이지 않는 단어 ${share}%). 같은 단어를 반복하는 대신 더 구체적인 단어를 써 보세요.`,
      en:
        vocabKind === 'strength'
          ? `You used many different words, and ${share}% of them are less common words.`
          : `Mostly everyday words (${share}% less common ones). Reach for more precise words instead of repeating the same ones.`,
      evidence: { mtld: r0(f.mtld), advancedWordPercent: share },
    });
  }
  const grammarKind = kindOf(sub.grammaticalComplexity);
  if (grammarKind) {
    const subs = r1(f.subordinationPer100Words);
    items.push({
      kind: grammarKind,
      code: grammarKind === 'strength' ? 'COMPLEX_SENTENCES' : 'SIMPLE_SENTENCES',
      ko:
        grammarKind === 'strength'
          ? `because, when, if 같은 종속절을 100단어마다 ${subs}번 써서 생각을 연결했어요.`
          : `문장이 대부분 짧고 단순해요 (문장당 절 ${r1(f.clausesPerUnit)}개, 종속 접속사 100단어당 ${subs}번). because, when, if로 이유와 조건을 덧붙여 보세요.`,
      en:
        grammarKind === 'strength'
          ? `Ideas linked with subordinate clauses (because, when, if): ${subs} per 100 words.`
          : `Mostly short, simple sentences (${r1(f.clausesPerUnit)} clauses per sentence, ${subs} subordinators per 100 words). Add reasons and conditions with because, when, if.`,
      evidence: { clausesPerUnit: r1(f.clausesPerUnit), subordinationPer100Words: subs },
    });
  }
  const coherenceKind = kindOf(sub.coherence);
  if (coherenceKind) {
    items.push({
      kind: coherenceKind,
      code: coherenceKind === 'strength' ? 'CONNECTED_SPEECH' : 'FEW_CONNECTIVES',
      ko:
        coherenceKind === 'strength'
          ? `연결어를 ${f.connectiveTypes}가지 써서 답변의 흐름이 자연스러웠어요.`
          : `연결어가 ${f.connectiveTypes}가지뿐이에요. first, however, for example 같은 말로 생각의 순서를 보여 주세요.`,
      en:
        coherenceKind === 'strength'
          ? `${f.connectiveTypes} different connectives made your answers easy to follow.`
          : `Only ${f.connectiveTypes} different connectives; words like first, however and for example show how your ideas fit together.`,
      evidence: { connectiveTypes: f.connectiveTypes, connectivesPer100Words: r1(f.connectiveVariety) },
    });
  }
  if (f.taskFunctionShare < 1) {
    const pct = r0(100 * f.taskFunctionShare);
    items.push({
      kind: 'improve',
      code: 'TASK_INCOMPLETE',
      ko: `질문이 요구한 것(이유 말하기, 가정해 보기 등)을 한 답변은 ${pct}%였어요. 의견 질문에는 이유를, 상상 질문에는 would/might를 써 보세요.`,
      en: `${pct}% of your answers did what the prompt asked. Give a reason for opinions, and use would or might when you imagine.`,
      evidence: { taskFunctionPercent: pct },
    });
  }
  if (!items.some((i) => i.kind === 'strength')) {
    const best = (Object.entries(sub) as Array<[keyof SubScores, number]>).sort((a, b) => b[1] - a[1])[0];
    if (best) {
      const names: Record<keyof SubScores, [string, string]> = {
        fluency: ['유창성', 'fluency'],
        vocabularyRange: ['어휘 범위', 'vocabulary range'],
        grammaticalComplexity: ['문장 구성', 'sentence building'],
        coherence: ['일관성', 'coherence'],
        taskAchievement: ['과제 수행', 'task achievement'],
      };
      const [ko, en] = names[best[0]];
      items.push({
        kind: 'strength',
        code: 'STRONGEST_AREA',
        ko: `가장 강한 영역은 ${ko}이에요 (${CEFR_LEVELS[Math.floor(clampScore(best[1])) - 1]} 수준).`,
        en: `Your strongest area is ${en} (around ${CEFR_LEVELS[Math.floor(clampScore(best[1])) - 1]}).`,
        evidence: { [best[0]]: best[1] },
      });
    }
  }
  return items;
}
