import { SignJWT, UnsecuredJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokens } from '../src/platform/auth/tokens.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const key = new TextEncoder().encode(SECRET);
const tokens = new AccessTokens(SECRET, 900);
const now = () => Math.floor(Date.now() / 1000);

describe('access tokens', () => {
  it('accepts what it signed, with subject and role', async () => {
    const result = await tokens.verify(await tokens.sign({ sub: 'u-1', role: 'admin' }));
    expect(result).toMatchObject({ ok: true, claims: { sub: 'u-1', role: 'admin' } });
  });

  it('signs standard HS256 JWTs that another library verifies', async () => {
    const { payload, protectedHeader } = await jwtVerify(await tokens.sign({ sub: 'u-2', role: 'user' }), key, {
      issuer: 'studymate',
      algorithms: ['HS256'],
    });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'u-2', role: 'user', typ: 'access' });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('accepts tokens signed with the previous key after a rotation, and signs only with the new one', async () => {
    const before = await tokens.sign({ sub: 'u-3', role: 'user' });
    const rotated = new AccessTokens('the-new-key-after-rotation-0123456789', 900, SECRET);
    expect(await rotated.verify(before)).toMatchObject({ ok: true, claims: { sub: 'u-3' } });
    const after = await rotated.sign({ sub: 'u-3', role: 'user' });
    expect(await tokens.verify(after)).toEqual({ ok: false, reason: 'invalid' });
    // Once the previous key is dropped, tokens signed with it are refused.
    expect(await new AccessTokens('the-new-key-after-rotation-0123456789', 900).verify(before)).toEqual({ ok: false, reason: 'invalid' });
    // A key that was never ours is refused either way.
    const stranger = await new AccessTokens('somebody-elses-key-that-is-long-enough', 900).sign({ sub: 'u-3', role: 'user' });
    expect(await rotated.verify(stranger)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('tells an expired token from a bad one', async () => {
    const expired = await new SignJWT({ typ: 'access', role: 'user' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('u')
      .setIssuer('studymate')
      .setExpirationTime(now() - 1)
      .sign(key);
    expect(await tokens.verify(expired)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses other algorithms, other headers, other issuers and other token types', async () => {
    const base = () => new SignJWT({ typ: 'access', role: 'user' }).setSubject('u').setIssuer('studymate').setExpirationTime('5m');
    const cases = {
      'alg none': new UnsecuredJWT({ typ: 'access', role: 'user' }).setSubject('u').setIssuer('studymate').setExpirationTime('5m').encode(),
      'HS512 with the same key': await base()
        .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
        .sign(new TextEncoder().encode(SECRET.repeat(2))),
      'an extra header field': await base().setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'x' }).sign(key),
      'another issuer': await new SignJWT({ typ: 'access' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('u')
        .setIssuer('elsewhere')
        .setExpirationTime('5m')
        .sign(key),
      'a refresh type': await new SignJWT({ typ: 'refresh' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('u')
        .setIssuer('studymate')
        .setExpirationTime('5m')
        .sign(key),
      'no expiry': await new SignJWT({ typ: 'access' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('u')
        .setIssuer('studymate')
        .sign(key),
      garbage: 'a.b.c',
      'two parts': 'abc.def',
    };
    for (const [name, token] of Object.entries(cases)) expect(await tokens.verify(token), name).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [h, p, s] = (await tokens.sign({ sub: 'u-1', role: 'user' })).split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'admin' })).toString(
      'base64url',
    );
    expect(await tokens.verify(`${h}.${forged}.${s}`)).toEqual({ ok: false, reason: 'invalid' });
  });
});
