import type { FastifyReply } from 'fastify';
import type { StoredObject } from '../storage/storage.js';

/**
 * Sends a stored file with its type, length and name; the name goes in RFC 5987 form so Korean
 * and any other characters survive. `inline` lets the browser show images and play voice notes.
 */
export function sendStoredFile(
  reply: FastifyReply,
  file: StoredObject & { fileName: string },
  options: { inline?: boolean; cacheControl: string },
) {
  return reply
    .header('content-type', file.contentType)
    .header('content-length', file.size)
    .header('content-disposition', `${options.inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .header('cache-control', options.cacheControl)
    .send(file.body);
}
