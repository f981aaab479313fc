import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Role } from '@studymate/contracts';

export interface AccessClaims {
  sub: string;
  role: Role;
}

export type VerifyFailure = 'missing' | 'expired' | 'invalid';

/** Short-lived HS256 access tokens. `typ` keeps any other token we might sign from passing as one. */
export class AccessTokens {
  // A WebCrypto key imported once: given raw bytes (or a KeyObject), jose imports a key on every
  // verify, which was a tenth of the CPU of an authenticated request.
  private readonly key: Promise<webcrypto.CryptoKey>;
  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = webcrypto.subtle.importKey('raw', Buffer.from(secret, 'utf8'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async sign(claims: AccessClaims): Promise<string> {
    return new SignJWT({ role: claims.role, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuedAt()
      .setIssuer('studymate')
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(await this.key);
  }

  async verify(
    token: string | undefined,
  ): Promise<{ ok: true; claims: AccessClaims & { exp: number } } | { ok: false; reason: VerifyFailure }> {
    if (!token) return { ok: false, reason: 'missing' };
    try {
      const { payload } = await jwtVerify(token, await this.key, { algorithms: ['HS256'], issuer: 'studymate' });
      if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') {
        return { ok: false, reason: 'invalid' };
      }
      const role = payload.role === 'admin' ? 'admin' : 'user';
      return { ok: true, claims: { sub: payload.sub, role, exp: payload.exp } };
    } catch (error) {
      return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

/** Opaque random tokens (refresh tokens, OAuth state); only their hash is ever stored. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
