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
  for await (const part of request.parts({ limits })) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer();
      if (part.file.truncated || bytes.length > MAX_UPLOAD_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'A file may be at most 10 MB.');
      if (part.fieldname === field) file = { bytes, fileName: part.filename };
    } else if (textFields.includes(part.fieldname) && typeof part.value === 'string') {
      fields[part.fieldname] = part.value;
    }
  }
  if (!file)
    throw new AppError('VALIDATION_FAILED', `Attach the file in the field "${field}".`, [{ field: `/${field}`, message: 'is required' }]);
  return { ...file, fields };
}
