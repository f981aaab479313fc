import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.js';
import { MAX_UPLOAD_BYTES } from './sniff.js';

/**
 * Reads the one file of a multipart upload into memory, at most 10 MB, with the text fields named
 * in `textFields`, in whichever order the browser sent them. Checks the announced length first,
 * and the stream's truncation flag after reading too: the multipart reader can finish its last
 * chunk before it flags the limit.
 */
export async function readUpload(
  request: FastifyRequest,
  field: string,
  textFields: readonly string[] = [],
): Promise<{ bytes: Buffer; fileName: string; fields: Record<string, string> }> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_UPLOAD_BYTES + 64 * 1024) {
    throw new AppError('PAYLOAD_TOO_LARGE', 'A file may be at most 10 MB.');
  }
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.');
  let file: { bytes: Buffer; fileName: string } | null = null;
  const fields: Record<string, string> = {};
  const limits = { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: textFields.length + 5, fieldSize: 64 * 1024 };
  try {
    for await (const part of request.parts({ limits })) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.file.truncated || bytes.length > MAX_UPLOAD_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'A file may be at most 10 MB.');
        if (part.fieldname === field) file = { bytes, fileName: safeFileName(part.filename) };
      } else if (textFields.includes(part.fieldname) && typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    // The multipart reader's own errors carry FST_ codes the error handler maps (413, 415); what
    // else it throws (no boundary, a truncated part, a bad header) means the body is malformed.
    if (error instanceof AppError || (error as { code?: string }).code?.startsWith('FST_')) throw error;
    throw new AppError('BAD_REQUEST', 'The multipart/form-data body is malformed.');
  }
  if (!file)
    throw new AppError('VALIDATION_FAILED', `Attach the file in the field "${field}".`, [{ field: `/${field}`, message: 'is required' }]);
  return { ...file, fields };
}

/**
 * Control characters and bidirectional overrides in a file name can hide what a file is:
 * `report\u202Efdp.jar` shows as `reportraj.pdf`. Removed here, the one path every upload takes:
 * C0 and C1 controls (NUL included), the bidi marks, embeddings, overrides and isolates (U+061C,
 * U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), line and paragraph separators, invisible
 * zero-width characters and the byte-order mark. ZWJ/ZWNJ stay: scripts and emoji need them.
 */
const UNSAFE_NAME_CHARS = /[\p{Cc}\u061C\u200B\u200E\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/gu;
export function safeFileName(name: string): string {
  return name.normalize('NFC').replace(UNSAFE_NAME_CHARS, '').trim();
}
