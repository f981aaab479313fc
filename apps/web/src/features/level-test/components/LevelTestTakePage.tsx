import { useCallback, useEffect, useRef, useState } from 'react';
import { useBlocker, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { LevelTestAttempt, LevelTestPrompt } from '@studymate/contracts';
import { apiError } from '../../../lib/http';
import { useConfirm } from '../../../components/ConfirmDialog';
import { NS } from '../i18n';
import { fetchAttempt, finishAttempt, problemOf, uploadAnswer } from '../api';
import type { Capture, MicSession } from '../audio/microphone';
import { LevelMeter, MicCheck } from './MicCheck';
import { ProblemNote, ProgressBar, Spinner, type Problem } from './common';

/** Shorter than this, a recording holds too little speech to say anything about. */
const MIN_ANSWER_SEC = 1;

type Phase =
  | { kind: 'preparing'; left: number }
  | { kind: 'recording'; elapsed: number }
  | { kind: 'review'; wav: Blob; url: string; durationSec: number; autoStopped: boolean }
  | { kind: 'uploading'; fraction: number }
  | { kind: 'done' };

const clock = (sec: number) => `${Math.floor(sec / 60)}:${String(Math.floor(sec % 60)).padStart(2, '0')}`;

export function LevelTestTakePage() {
  const { attemptId = '' } = useParams();
  const navigate = useNavigate();
  const [attempt, setAttempt] = useState<LevelTestAttempt | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [mic, setMic] = useState<MicSession | null>(null);
  const [checked, setChecked] = useState(false);
  const micRef = useRef<MicSession | null>(null);
  micRef.current = mic;

  useEffect(() => {
    fetchAttempt(attemptId).then(
      (a) => {
        // A handed-in test has nothing left to record.
        if (a.status === 'scored') navigate(`/level-test/${a.id}/result`, { replace: true });
        else if (a.status !== 'draft') navigate(`/level-test/${a.id}/waiting`, { replace: true });
        else setAttempt(a);
      },
      (error: unknown) => setProblem(problemOf(error)),
    );
  }, [attemptId, navigate]);

  // The microphone goes off when the user leaves the test.
  useEffect(() => () => micRef.current?.close(), []);

  if (problem) return <ProblemNote problem={problem} />;
  if (!attempt) return <Spinner />;
  if (!mic || !checked) return <MicCheck mic={mic} onMic={setMic} onReady={() => setChecked(true)} />;
  return <PromptRunner attempt={attempt} mic={mic} />;
}

function PromptRunner({ attempt, mic }: { attempt: LevelTestAttempt; mic: MicSession }) {
  const { t, i18n } = useTranslation(NS);
  const navigate = useNavigate();
  const prompts = attempt.prompts;
  const [answered, setAnswered] = useState<Map<string, number>>(() => new Map(attempt.answers.map((a) => [a.promptId, a.durationMs])));
  const firstOpen = Math.max(
    0,
    prompts.findIndex((p) => !answered.has(p.id)),
  );
  const [index, setIndex] = useState(firstOpen);
  const prompt = prompts[index]!;
  const [phase, setPhase] = useState<Phase>(() =>
    answered.has(prompts[firstOpen]!.id) ? { kind: 'done' } : { kind: 'preparing', left: prompts[firstOpen]!.preparationSec },
  );
  const [problem, setProblem] = useState<Problem | null>(null);
  const [finishing, setFinishing] = useState(false);
  const capture = useRef<Capture | null>(null);
  const stopping = useRef(false);
  const english = i18n.resolvedLanguage === 'en';

  const reviewUrl = useRef<string | null>(null);
  // The playback URL pins the recording in memory until it is revoked.
  const discardReview = useCallback(() => {
    if (reviewUrl.current) URL.revokeObjectURL(reviewUrl.current);
    reviewUrl.current = null;
  }, []);
  const review = useCallback((wav: Blob, durationSec: number, autoStopped: boolean): Phase => {
    if (!reviewUrl.current) reviewUrl.current = URL.createObjectURL(wav);
    return { kind: 'review', wav, url: reviewUrl.current, durationSec, autoStopped };
  }, []);

  const startRecording = useCallback(async () => {
    setProblem(null);
    discardReview();
    stopping.current = false;
    capture.current = await mic.capture();
    setPhase({ kind: 'recording', elapsed: 0 });
  }, [mic, discardReview]);

  const stopRecording = useCallback(
    async (autoStopped: boolean) => {
      const running = capture.current;
      if (!running || stopping.current) return;
      stopping.current = true;
      capture.current = null;
      const { wav, durationSec } = await running.stop();
      if (durationSec < MIN_ANSWER_SEC) setProblem({ key: 'prompt.tooShort' });
      setPhase(review(wav, durationSec, autoStopped));
    },
    [review],
  );

  // Preparation counts down, then recording starts by itself.
  useEffect(() => {
    if (phase.kind !== 'preparing') return;
    if (phase.left <= 0) {
      void startRecording();
      return;
    }
    const timer = setTimeout(() => setPhase({ kind: 'preparing', left: phase.left - 1 }), 1000);
    return () => clearTimeout(timer);
  }, [phase, startRecording]);

  // The recording timer; it stops the recording at the end of the answer window.
  const recording = phase.kind === 'recording';
  useEffect(() => {
    if (!recording) return;
    const started = performance.now();
    const timer = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= prompt.answerSec) void stopRecording(true);
      else setPhase((p) => (p.kind === 'recording' ? { kind: 'recording', elapsed } : p));
    }, 250);
    return () => clearInterval(timer);
  }, [recording, prompt.answerSec, stopRecording]);

  // Leaving the page mid-recording throws the audio away.
  useEffect(
    () => () => {
      capture.current?.cancel();
      discardReview();
    },
    [discardReview],
  );

  // A recording not yet sent exists only in this page: leaving (a menu link, back, another
  // question, closing the tab) asks first. Asked mid-recording, the recording stops and is kept
  // for review, so staying loses nothing.
  const unsent = phase.kind === 'recording' || phase.kind === 'review' || phase.kind === 'uploading';
  const { dialog, ask } = useConfirm();
  const askToLeave = useCallback(async () => {
    if (capture.current) await stopRecording(false);
    return ask({ title: t('leave.title'), body: t('leave.body'), confirmLabel: t('leave.confirm'), danger: true });
  }, [ask, stopRecording, t]);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => unsent && currentLocation.pathname !== nextLocation.pathname);
  const asking = useRef(false);
  useEffect(() => {
    if (blocker.state !== 'blocked' || asking.current) return;
    asking.current = true;
    void askToLeave().then((yes) => {
      asking.current = false;
      if (yes) blocker.proceed();
      else blocker.reset();
    });
  }, [blocker, askToLeave]);
  useEffect(() => {
    if (!unsent) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [unsent]);

  const goTo = async (next: number) => {
    if (phase.kind === 'review' && !(await askToLeave())) return;
    discardReview();
    setProblem(null);
    setIndex(next);
    const p = prompts[next]!;
    setPhase(answered.has(p.id) ? { kind: 'done' } : { kind: 'preparing', left: p.preparationSec });
  };

  const submit = async ({ wav, durationSec }: Extract<Phase, { kind: 'review' }>) => {
    setProblem(null);
    setPhase({ kind: 'uploading', fraction: 0 });
    try {
      const saved = await uploadAnswer(attempt.id, prompt.id, wav, null, (fraction) =>
        setPhase((p) => (p.kind === 'uploading' ? { kind: 'uploading', fraction } : p)),
      );
      discardReview();
      setAnswered((m) => new Map(m).set(prompt.id, saved.durationMs));
      setPhase({ kind: 'done' });
    } catch (error) {
      const body = apiError(error);
      setProblem(
        body?.code === 'UNSUPPORTED_MEDIA_TYPE' ? { key: 'prompt.notWav' } : body ? problemOf(error) : { key: 'prompt.uploadFailed' },
      );
      // Back to review with the same recording, so a failed upload can simply be sent again.
      setPhase(review(wav, durationSec, false));
    }
  };

  const finish = async () => {
    setFinishing(true);
    setProblem(null);
    try {
      await finishAttempt(attempt.id);
      navigate(`/level-test/${attempt.id}/waiting`);
    } catch (error) {
      setProblem(problemOf(error));
      setFinishing(false);
    }
  };

  const busy = phase.kind === 'recording' || phase.kind === 'uploading';
  const allAnswered = prompts.every((p) => answered.has(p.id));
  const text = (p: LevelTestPrompt, key: 'title' | 'instruction') => (english ? p[key].en : p[key].ko);

  return (
    <div className="mx-auto max-w-2xl space-y-4">
      {dialog}
      <ol className="flex gap-1.5" aria-label={t('prompt.counter', { n: index + 1, total: prompts.length })}>
        {prompts.map((p, n) => (
          <li
            key={p.id}
            className={`h-1.5 flex-1 rounded-full ${answered.has(p.id) ? 'bg-indigo-600' : n === index ? 'bg-indigo-300' : 'bg-slate-200'}`}
          >
            <span className="sr-only">{text(p, 'title')}</span>
          </li>
        ))}
      </ol>

      <section className="card space-y-4" aria-labelledby="prompt-title">
        <p className="text-sm font-semibold text-indigo-700">{t('prompt.counter', { n: index + 1, total: prompts.length })}</p>
        <h1 id="prompt-title" className="text-xl font-bold">
          {text(prompt, 'title')}
        </h1>
        {/* The task is always shown in English too: the answer is in English. */}
        <p className="text-slate-800">{text(prompt, 'instruction')}</p>
        {!english && (
          <p className="text-sm text-slate-500" lang="en">
            {prompt.instruction.en}
          </p>
        )}
        {/* A read-aloud item: the sentence stays in view while the learner prepares and records. */}
        {prompt.readAloudText && (
          <figure className="rounded-xl border-2 border-indigo-200 bg-indigo-50 p-4" data-testid="read-aloud-text">
            <figcaption className="text-xs font-semibold text-indigo-700">{t('prompt.readAloud')}</figcaption>
            <p lang="en" className="mt-1 break-words text-xl font-semibold leading-relaxed text-slate-900 sm:text-2xl">
              {prompt.readAloudText}
            </p>
          </figure>
        )}

        {phase.kind === 'preparing' && (
          <div className="space-y-3 rounded-xl bg-slate-50 p-4" data-testid="phase-preparing">
            <p className="font-semibold">{t('prompt.preparing')}</p>
            <p className="text-3xl font-bold tabular-nums text-indigo-700" aria-live="off">
              {phase.left}
            </p>
            <p className="text-sm text-slate-600">{t('prompt.prepareLeft', { seconds: phase.left })}</p>
            <button type="button" className="btn-primary" onClick={() => void startRecording()}>
              {t('prompt.startNow')}
            </button>
          </div>
        )}

        {phase.kind === 'recording' && (
          <div className="space-y-3 rounded-xl bg-red-50 p-4" data-testid="phase-recording">
            <p className="flex items-center gap-2 font-semibold text-red-700">
              <span aria-hidden="true" className="size-3 animate-pulse rounded-full bg-red-600" />
              {t('prompt.recording')}
              <span className="ml-auto tabular-nums" data-testid="record-timer">
                {t('prompt.timer', { elapsed: clock(phase.elapsed), max: clock(prompt.answerSec) })}
              </span>
            </p>
            {/* Two bars look alike: each says what it shows. */}
            <div className="space-y-1" data-testid="time-bar">
              <p className="text-xs font-semibold text-slate-600" aria-hidden="true">
                {t('prompt.timeUsed')}
              </p>
              <ProgressBar value={phase.elapsed / prompt.answerSec} label={t('prompt.timeUsed')} />
            </div>
            <div className="space-y-1" data-testid="level-bar">
              <p className="text-xs font-semibold text-slate-600" aria-hidden="true">
                {t('mic.level')}
              </p>
              <LevelMeter mic={mic} />
            </div>
            <button type="button" className="btn-danger" onClick={() => void stopRecording(false)}>
              {t('prompt.stop')}
            </button>
          </div>
        )}

        {phase.kind === 'review' && (
          <div className="space-y-3 rounded-xl bg-slate-50 p-4" data-testid="phase-review">
            {phase.autoStopped && <p className="text-sm text-slate-600">{t('prompt.autoStop')}</p>}
            <p className="text-sm text-slate-700">{t('prompt.review')}</p>
            <audio controls src={phase.url} className="w-full" aria-label={t('prompt.playback')} />
            <div className="flex flex-wrap gap-3">
              <button type="button" className="btn-secondary" onClick={() => void startRecording()}>
                {t('prompt.rerecord')}
              </button>
              <button
                type="button"
                className="btn-primary"
                disabled={phase.durationSec < MIN_ANSWER_SEC}
                onClick={() => void submit(phase)}
              >
                {t('prompt.submit')}
              </button>
            </div>
          </div>
        )}

        {phase.kind === 'uploading' && (
          <div className="space-y-2 rounded-xl bg-slate-50 p-4" aria-live="polite">
            <p className="text-sm text-slate-700">{t('prompt.uploading', { percent: Math.round(phase.fraction * 100) })}</p>
            <ProgressBar value={phase.fraction} label={t('prompt.uploading', { percent: Math.round(phase.fraction * 100) })} />
          </div>
        )}

        {phase.kind === 'done' && (
          <div className="space-y-3 rounded-xl bg-emerald-50 p-4" data-testid="phase-done">
            <p role="status" className="text-sm font-semibold text-emerald-800">
              {t('prompt.saved', { seconds: Math.round((answered.get(prompt.id) ?? 0) / 1000) })}
            </p>
            <button type="button" className="btn-secondary" onClick={() => void startRecording()}>
              {t('prompt.rerecord')}
            </button>
          </div>
        )}

        <ProblemNote problem={problem} />
      </section>

      <div className="flex flex-wrap items-center justify-between gap-3">
        <button type="button" className="btn-secondary" disabled={busy || index === 0} onClick={() => void goTo(index - 1)}>
          {t('prompt.previous')}
        </button>
        {index < prompts.length - 1 ? (
          <button type="button" className="btn-primary" disabled={busy} onClick={() => void goTo(index + 1)}>
            {t('prompt.next')}
          </button>
        ) : (
          <button type="button" className="btn-primary" disabled={busy || !allAnswered || finishing} onClick={() => void finish()}>
            {finishing ? t('prompt.finishing') : t('prompt.finish')}
          </button>
        )}
      </div>
      {index === prompts.length - 1 && !allAnswered && <p className="text-sm text-slate-500">{t('prompt.missing')}</p>}
    </div>
  );
}
