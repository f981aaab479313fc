import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.js';
import { MAX_UPLOAD_BYTES } from './sniff.js';

/**
 * Reads the one file of a multipart upload into memory, at most 10 MB. Checks the announced
 * length first, and the stream's truncation flag after reading too: the multipart reader can
 * finish its last chunk before it flags the limit.
 */
export async function readUpload(request: FastifyRequest, field: string): Promise<{ bytes: Buffer; fileName: string }> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_UPLOAD_BYTES + 64 * 1024) {
    throw new AppError('PAYLOAD_TOO_LARGE', 'A file may be at most 10 MB.');
  }
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.');
  const file = await request.file({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
  if (!file || file.fieldname !== field) {
    throw new AppError('VALIDATION_FAILED', `Attach the file in the field "${field}".`, [{ field: `/${field}`, message: 'is required' }]);
  }
  const bytes = await file.toBuffer();
  if (file.file.truncated || bytes.length > MAX_UPLOAD_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'A file may be at most 10 MB.');
  return { bytes, fileName: file.filename };
}
