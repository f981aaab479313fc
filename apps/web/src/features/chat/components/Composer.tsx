import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '@studymate/contracts';
import { httpStatus } from '../../../lib/http';
import { editMessage, uploadAttachment } from '../api';
import { notifyTyping, send, stopTyping } from '../actions';
import { CHAT_NS } from '../i18n';
import { clock, measureVoice } from '../voice';
import { LineIcon } from './common';

/** The server's upload limit (10 MB); checked here too so nobody waits for a doomed upload. */
const MAX_BYTES = 10 * 1024 * 1024;
/** Long enough for a spoken paragraph, far below the size limit at Opus bit rates. */
const MAX_RECORDING_MS = 5 * 60_000;

export type ComposeMode = { kind: 'reply' | 'correct' | 'edit'; message: ChatMessage } | null;

interface Props {
  roomId: string;
  mode: ComposeMode;
  nameOf: (userId: string) => string;
  onModeDone: () => void;
  onSent: () => void;
}

function recorderType(): string | undefined {
  const candidates = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];
  return candidates.find((type) => MediaRecorder.isTypeSupported(type));
}

export function Composer({ roomId, mode, nameOf, onModeDone, onSent }: Props) {
  const { t } = useTranslation(CHAT_NS);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [recording, setRecording] = useState<{ startedAt: number; elapsed: number } | null>(null);
  const recorder = useRef<{ media: MediaRecorder; chunks: Blob[]; cancelled: boolean; stream: MediaStream; startedAt: number } | null>(
    null,
  );
  const fileInput = useRef<HTMLInputElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);

  // Entering correct/edit mode starts from the text being corrected or edited.
  useEffect(() => {
    if (mode?.kind === 'correct' || mode?.kind === 'edit') setText(mode.message.body);
    if (mode) textArea.current?.focus();
  }, [mode]);

  const startedAt = recording?.startedAt;
  useEffect(() => {
    if (startedAt === undefined) return;
    const timer = setInterval(() => {
      const elapsed = Date.now() - startedAt;
      setRecording((r) => (r ? { ...r, elapsed } : r));
      if (elapsed >= MAX_RECORDING_MS) recorder.current?.media.stop();
    }, 250);
    return () => clearInterval(timer);
  }, [startedAt]);

  // Leaving the page mid-recording releases the microphone.
  useEffect(
    () => () => {
      const r = recorder.current;
      if (r) {
        r.cancelled = true;
        if (r.media.state !== 'inactive') r.media.stop();
        r.stream.getTracks().forEach((track) => track.stop());
      }
      stopTyping(roomId);
    },
    [roomId],
  );

  async function sendFile(file: Blob, fileName: string, localPreview: boolean, voice?: { durationMs: number; waveform?: string }) {
    if (file.size > MAX_BYTES) return setProblem(t('composer.tooLarge'));
    setBusy(true);
    setProblem(null);
    try {
      const attachment = await uploadAttachment(roomId, file, fileName, voice);
      // The server decides the kind from the bytes; the message must say the same.
      send(
        roomId,
        { kind: attachment.kind, body: '', attachmentId: attachment.id, ...(mode?.kind === 'reply' ? { replyToId: mode.message.id } : {}) },
        {
          preview: { kind: attachment.kind, fileName: attachment.fileName, localUrl: localPreview ? URL.createObjectURL(file) : undefined },
        },
      );
      if (mode?.kind === 'reply') onModeDone();
      onSent();
    } catch (error) {
      const status = httpStatus(error);
      setProblem(status === 413 ? t('composer.tooLarge') : status === 415 ? t('composer.unsupported') : t('composer.uploadFailed'));
    } finally {
      setBusy(false);
    }
  }

  async function startRecording() {
    setProblem(null);
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) return setProblem(t('composer.noRecorder'));
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      return setProblem(t('composer.micDenied'));
    }
    const mimeType = recorderType();
    const media = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const state = { media, chunks: [] as Blob[], cancelled: false, stream, startedAt: Date.now() };
    media.ondataavailable = (e) => {
      if (e.data.size > 0) state.chunks.push(e.data);
    };
    media.onstop = () => {
      stream.getTracks().forEach((track) => track.stop());
      recorder.current = null;
      setRecording(null);
      if (state.cancelled || state.chunks.length === 0) return;
      const blob = new Blob(state.chunks, { type: media.mimeType || 'audio/webm' });
      const extension = blob.type.includes('ogg') ? 'ogg' : blob.type.includes('mp4') ? 'm4a' : 'webm';
      void measureVoice(blob, Date.now() - state.startedAt).then((voice) =>
        // A name a person can read in the shared files and downloads: "Voice note, 0-06.webm".
        sendFile(blob, `${t('message.voiceName', { length: clock(voice.durationMs).replace(':', '-') })}.${extension}`, false, voice),
      );
    };
    recorder.current = state;
    media.start(1_000);
    setRecording({ startedAt: Date.now(), elapsed: 0 });
  }

  function stopRecording(cancel: boolean) {
    const r = recorder.current;
    if (!r) return;
    r.cancelled = cancel;
    if (r.media.state !== 'inactive') r.media.stop();
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const body = text.trim();
    if (!body || busy || unchanged) return;
    setProblem(null);
    if (mode?.kind === 'edit') {
      setBusy(true);
      try {
        await editMessage(mode.message.id, body);
        setText('');
        onModeDone();
      } catch {
        setProblem(t('composer.editFailed'));
      } finally {
        setBusy(false);
      }
      return;
    }
    if (mode?.kind === 'correct') {
      send(roomId, { kind: 'correction', body, originalText: mode.message.body, replyToId: mode.message.id }, { replyExcerpt: undefined });
    } else {
      send(
        roomId,
        { kind: 'text', body, ...(mode?.kind === 'reply' ? { replyToId: mode.message.id } : {}) },
        mode?.kind === 'reply' ? { replyExcerpt: mode.message.body.slice(0, 100) } : {},
      );
    }
    setText('');
    if (mode) onModeDone();
    onSent();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter sends, Shift+Enter breaks the line; never while a Korean syllable is still being composed.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  // A correction or edit that changes nothing is not worth a message.
  const unchanged = (mode?.kind === 'correct' || mode?.kind === 'edit') && text.trim() === mode.message.body.trim();
  const seconds = Math.floor((recording?.elapsed ?? 0) / 1000);

  return (
    <form onSubmit={(e) => void submit(e)} className="border-t border-slate-200 bg-white px-2 pt-2 pb-2">
      {mode && (
        <div className="mb-2 flex items-start gap-2 rounded-xl bg-slate-50 px-3 py-2 text-xs text-slate-600">
          <div className="min-w-0 flex-1">
            <p className="font-semibold text-slate-800">
              {mode.kind === 'edit'
                ? t('composer.editing')
                : t(mode.kind === 'reply' ? 'composer.replyingTo' : 'composer.correcting', { name: nameOf(mode.message.senderId) })}
            </p>
            <p className="truncate">{mode.message.body}</p>
          </div>
          <button
            type="button"
            className="btn-link shrink-0"
            onClick={() => {
              if (mode.kind !== 'reply') setText('');
              onModeDone();
            }}
          >
            {t('composer.cancel')}
          </button>
        </div>
      )}
      {problem && (
        <p role="alert" className="mb-2 rounded-lg bg-red-50 px-3 py-1.5 text-xs text-red-700">
          {problem}
        </p>
      )}
      {recording ? (
        <div className="flex items-center gap-2">
          <span
            className="flex flex-1 items-center gap-2 rounded-xl bg-red-50 px-3 py-2.5 text-sm font-semibold text-red-700"
            role="status"
          >
            <span className="size-2.5 animate-pulse rounded-full bg-red-600" aria-hidden="true" />
            {t('composer.recording', { time: clock(seconds * 1000) })}
          </span>
          <button type="button" className="btn-secondary px-3" onClick={() => stopRecording(true)}>
            {t('composer.cancelRecording')}
          </button>
          <button type="button" className="btn-primary px-3" onClick={() => stopRecording(false)}>
            {t('composer.stopRecording')}
          </button>
        </div>
      ) : (
        <div className="flex items-end gap-1">
          {mode?.kind !== 'edit' && mode?.kind !== 'correct' && (
            <>
              <button
                type="button"
                aria-label={t('composer.attach')}
                title={t('composer.attach')}
                disabled={busy}
                onClick={() => fileInput.current?.click()}
                className="flex size-11 shrink-0 items-center justify-center rounded-full text-slate-500 hover:bg-slate-100 disabled:opacity-50"
              >
                <LineIcon d="M12 5v14M5 12h14" />
              </button>
              <input
                ref={fileInput}
                type="file"
                className="hidden"
                data-testid="attachment-input"
                accept="image/*,audio/*,application/pdf,application/zip,.pdf,.zip"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) void sendFile(file, file.name, file.type.startsWith('image/'));
                }}
              />
              <button
                type="button"
                aria-label={t('composer.record')}
                title={t('composer.record')}
                disabled={busy}
                onClick={() => void startRecording()}
                className="flex size-11 shrink-0 items-center justify-center rounded-full text-slate-500 hover:bg-slate-100 disabled:opacity-50"
              >
                <LineIcon d="M12 4a3 3 0 0 0-3 3v5a3 3 0 0 0 6 0V7a3 3 0 0 0-3-3zM6 12a6 6 0 0 0 12 0M12 18v3" />
              </button>
            </>
          )}
          <textarea
            ref={textArea}
            rows={1}
            value={text}
            aria-label={t('composer.label')}
            placeholder={busy ? t('composer.uploading') : t('composer.placeholder')}
            maxLength={4000}
            onChange={(e) => {
              setText(e.target.value);
              if (mode?.kind !== 'edit' && e.target.value) notifyTyping(roomId);
            }}
            onKeyDown={onKeyDown}
            className="input max-h-32 min-h-11 flex-1 resize-none py-2.5"
          />
          <button type="submit" className="btn-primary h-11 shrink-0 px-3" disabled={busy || !text.trim() || unchanged}>
            {t('composer.send')}
          </button>
        </div>
      )}
    </form>
  );
}
