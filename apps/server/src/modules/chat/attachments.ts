import { randomUUID } from 'node:crypto';
import { MAX_VOICE_NOTE_MS, VOICE_WAVEFORM_BARS } from '@studymate/contracts';
import type { SignedLinks } from '../../platform/auth/signed-links.js';
import { nowMs, toIso } from '../../platform/db/database.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import { sniffContentType } from '../../platform/http/sniff.js';
import { parseWav } from '../../platform/speech/wav.js';
import * as repo from './repository.js';
import type { AttachmentRow } from './repository.js';
import type { ChatContext } from './service.js';

const ATTACHMENT_KINDS: Record<string, 'image' | 'voice' | 'file'> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/gif': 'image',
  'audio/wav': 'voice',
  'audio/webm': 'voice',
  'audio/ogg': 'voice',
  'audio/mpeg': 'voice',
  'audio/mp4': 'voice',
  'application/pdf': 'file',
  'application/zip': 'file',
};

const attachmentUrl = (id: string) => `/api/v1/chat/attachments/${id}`;

/** What chat's data-export links open (platform/auth/signed-links.ts); part of each link's signature. */
const ATTACHMENT_LINK = 'attachment-link';

/** A download link of the data export, so a person can fetch their files from the exported JSON until `expires` (ms). */
export const signedAttachmentUrl = (links: SignedLinks, id: string, expires: number) =>
  `${attachmentUrl(id)}/link?${links.query(ATTACHMENT_LINK, id, expires)}`;

/**
 * Bytes per second a voice note can plausibly have: Opus at 6 kbit/s and below is still speech
 * (about 750 B/s; 400 leaves room for silence), 48 kHz 16-bit stereo WAV is 192,000.
 */
const VOICE_BYTES_PER_SEC = { min: 400, max: 200_000 };

/**
 * A voice note's length: measured from a WAV's header, otherwise the sender's measure (a
 * MediaRecorder WebM carries none), refused when the file's size cannot hold that much audio.
 */
function voiceLength(bytes: Buffer, contentType: string, sent: { durationMs?: string; waveform?: string }) {
  let durationMs: number | null = null;
  if (contentType === 'audio/wav') {
    try {
      durationMs = Math.round(parseWav(bytes).durationSec * 1000);
    } catch {
      durationMs = null;
    }
  } else if (sent.durationMs !== undefined) {
    durationMs = /^\d{1,9}$/.test(sent.durationMs) ? Number(sent.durationMs) : NaN;
    const perSec = bytes.length / (durationMs / 1000);
    if (!(
      durationMs > 0 &&
      durationMs <= MAX_VOICE_NOTE_MS + 5_000 &&
      perSec >= VOICE_BYTES_PER_SEC.min &&
      perSec <= VOICE_BYTES_PER_SEC.max
    ))
      return refuse<{ duration_ms: number | null; waveform: string | null }>(
        'VALIDATION_FAILED',
        'The voice note is not as long as its durationMs says.',
        [{ field: '/durationMs', message: `does not fit a file of ${bytes.length} bytes` }],
      );
  }
  const waveform = sent.waveform && new RegExp(`^[0-9]{${VOICE_WAVEFORM_BARS}}$`).test(sent.waveform) ? sent.waveform : null;
  return ok({ duration_ms: durationMs, waveform });
}

export function presentAttachment(a: AttachmentRow) {
  return {
    id: a.id,
    kind: a.kind,
    fileName: a.file_name,
    contentType: a.content_type,
    size: Number(a.size),
    url: attachmentUrl(a.id),
    uploadedAt: toIso(a.created_at)!,
    durationMs: a.duration_ms === null ? null : Number(a.duration_ms),
    waveform: a.waveform,
  };
}

/** Images, voice notes and files sent in rooms: stored after their bytes are checked, read by members only. */
export function createAttachments({ db, deps, gate, notFound }: ChatContext) {
  const { storage } = deps;
  return {
    /** Stores an attachment only after its bytes prove it is a kind we accept. */
    async uploadAttachment(
      userId: string,
      roomId: string,
      bytes: Buffer,
      fileName: string,
      voice: { durationMs?: string; waveform?: string } = {},
    ): Promise<Result<ReturnType<typeof presentAttachment>>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      const contentType = sniffContentType(bytes);
      const kind = contentType ? ATTACHMENT_KINDS[contentType] : undefined;
      if (!contentType || !kind)
        return refuse(
          'UNSUPPORTED_MEDIA_TYPE',
          'Send an image (JPEG, PNG, WebP, GIF), a voice note (WAV, WebM, Ogg, MP3, M4A) or a PDF or ZIP file.',
        );
      const measured = kind === 'voice' ? voiceLength(bytes, contentType, voice) : ok({ duration_ms: null, waveform: null });
      if (!measured.ok) return measured;
      const id = randomUUID();
      const row: AttachmentRow = {
        ...measured.value,
        id,
        room_id: authorized,
        uploader_id: userId,
        storage_key: `chat/${id}`,
        kind,
        file_name: fileName.replace(/[\\/\r\n"]/g, '_').slice(0, 200) || 'file',
        content_type: contentType,
        size: bytes.length,
        created_at: nowMs(),
      };
      await storage.put(row.storage_key, bytes, contentType);
      await repo.insertAttachment(db, row);
      return ok(presentAttachment(row));
    },

    async readAttachment(userId: string, id: string) {
      const row = await repo.findAttachment(db, id);
      if (!row || !(await gate.authorize(userId, row.room_id))) return null;
      const stored = await storage.get(row.storage_key);
      return stored ? { ...stored, fileName: row.file_name, kind: row.kind } : null;
    },

    /** An attachment through a signed link (the data export), whoever holds it, until it expires. */
    async readLinkedAttachment(id: string, expires: number, sig: string) {
      if (!deps.links?.valid(ATTACHMENT_LINK, id, expires, sig)) return null;
      const row = await repo.findAttachment(db, id);
      const stored = row && (await storage.get(row.storage_key));
      return stored ? { ...stored, fileName: row.file_name, kind: row.kind } : null;
    },

    async sharedFiles(userId: string) {
      const rows = await repo.filesInRoomsOf(db, userId, 200);
      return { items: rows.map((r) => ({ ...presentAttachment(r), roomId: r.room_id, uploaderId: r.uploader_id })) };
    },
  };
}
