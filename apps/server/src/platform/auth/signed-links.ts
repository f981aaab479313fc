import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Download links that work without signing in until they expire: the files of a data export, which
 * a person opens outside the app. The HMAC-SHA256 signature covers the purpose, the resource and
 * the expiry, so a link for one thing opens nothing else and cannot be made to live longer. Links
 * signed with the key before the last rotation (JWT_SECRET_PREVIOUS) still open, as that key
 * still verifies access tokens (docs/OPERATIONS.md).
 */
export class SignedLinks {
  private readonly keys: Buffer[];
  constructor(secret: string, previousSecret?: string | null) {
    this.keys = [secret, ...(previousSecret ? [previousSecret] : [])].map((k) => Buffer.from(k, 'utf8'));
  }

  /** The query string (`expires=...&sig=...`) that opens `subject` for `purpose` until `expires` (epoch ms). */
  query(purpose: string, subject: string, expires: number): string {
    return `expires=${expires}&sig=${signature(this.keys[0]!, purpose, subject, expires)}`;
  }

  /** Whether a link's signature is ours for this purpose and resource, and it has not expired. */
  valid(purpose: string, subject: string, expires: number, sig: string): boolean {
    if (!(expires > Date.now())) return false;
    const given = Buffer.from(sig);
    return this.keys.some((key) => {
      const expected = Buffer.from(signature(key, purpose, subject, expires));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }
}

const signature = (key: Buffer, purpose: string, subject: string, expires: number) =>
  createHmac('sha256', key).update(`${purpose}:${subject}:${expires}`).digest('base64url');
