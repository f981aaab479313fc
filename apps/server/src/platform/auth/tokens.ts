import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '@studymate/contracts';

export interface AccessClaims {
  sub: string;
  role: Role;
  /** The session family (refresh-token family) the token was issued for, so ending the family ends it too. */
  sid?: string;
}

/** `revoked`: well-formed and unexpired, but its session was ended (sign-out, account deletion). */
export type VerifyFailure = 'missing' | 'expired' | 'invalid' | 'revoked';
export type VerifyResult = { ok: true; claims: AccessClaims & { exp: number } } | { ok: false; reason: VerifyFailure };

/** Short-lived HS256 access tokens. `typ` keeps any other token we might sign from passing as one. */
export class AccessTokens {
  private readonly secret: Buffer;
  /** The key before the last rotation: still accepted, never used to sign (docs/OPERATIONS.md). */
  private readonly previous: Buffer | null;
  constructor(
    secret: string,
    readonly ttlSeconds: number,
    previousSecret?: string,
  ) {
    this.secret = Buffer.from(secret, 'utf8');
    this.previous = previousSecret ? Buffer.from(previousSecret, 'utf8') : null;
  }

  /** Signs with the same node:crypto HMAC and the same header that `verify` accepts: one place owns the format. */
  async sign(claims: AccessClaims): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      role: claims.role,
      typ: 'access',
      sub: claims.sub,
      ...(claims.sid === undefined ? {} : { sid: claims.sid }),
      iat: now,
      iss: 'studymate',
      exp: now + this.ttlSeconds,
    };
    const signed = `${SIGNED_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${signed}.${createHmac('sha256', this.secret).update(signed).digest('base64url')}`;
  }

  /**
   * Verifies an access token with node:crypto, synchronously: it runs on every request, and
   * WebCrypto's asynchronous HMAC (as jose uses it) cost a seventh of an authenticated request.
   * Strict by construction: only the exact header we sign is accepted (so `alg: none` and any
   * other algorithm are refused before the signature is looked at), then the signature in
   * constant time, then issuer, type, subject and expiry.
   */
  async verify(token: string | undefined): Promise<VerifyResult> {
    if (!token) return { ok: false, reason: 'missing' };
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== SIGNED_HEADER) return { ok: false, reason: 'invalid' };
    const given = Buffer.from(parts[2]!, 'base64url');
    const signedBy = (key: Buffer) => {
      const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
    if (!signedBy(this.secret) && !(this.previous && signedBy(this.previous))) return { ok: false, reason: 'invalid' };
    let payload: { sub?: unknown; role?: unknown; sid?: unknown; typ?: unknown; iss?: unknown; exp?: unknown };
    try {
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (payload.iss !== 'studymate' || payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') {
      return { ok: false, reason: 'invalid' };
    }
    if (payload.exp <= Math.floor(Date.now() / 1000)) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      claims: {
        sub: payload.sub,
        role: payload.role === 'admin' ? 'admin' : 'user',
        ...(typeof payload.sid === 'string' ? { sid: payload.sid } : {}),
        exp: payload.exp,
      },
    };
  }
}

/** The protected header of every access token we sign, base64url-encoded. */
const SIGNED_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Opaque random tokens (refresh tokens, OAuth state); only their hash is ever stored. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
