import { createHash } from 'node:crypto';

/**
 * The id of a content named by a key: the same scope and key give the same id on every node, so
 * the unique (content, person) index turns a repeated send into nothing stored. The scope is the
 * person for a notification to one person (two people may be sent the same key with different
 * words), and `*` for an announcement, whose words all its recipients share.
 */
export function keyedContentId(scope: string, key: string): string {
  const hex = createHash('sha256').update(`${scope}\n${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
