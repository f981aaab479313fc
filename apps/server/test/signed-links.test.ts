import { describe, expect, it } from 'vitest';
import { SignedLinks } from '../src/platform/auth/signed-links.js';

const OLD = 'an-old-key-of-at-least-32-characters';
const NEW = 'a-new-key-of-at-least-32-characters!';
const parse = (query: string) => {
  const q = new URLSearchParams(query);
  return { expires: Number(q.get('expires')), sig: q.get('sig')! };
};

describe('signed download links', () => {
  const inADay = Date.now() + 24 * 3600_000;
  const { expires, sig } = parse(new SignedLinks(OLD).query('attachment-link', 'file-1', inADay));

  it('opens only the resource and purpose it was signed for, until it expires', () => {
    const links = new SignedLinks(OLD);
    expect(links.valid('attachment-link', 'file-1', expires, sig)).toBe(true);
    expect(links.valid('attachment-link', 'file-2', expires, sig)).toBe(false);
    expect(links.valid('level-test-recording', 'file-1', expires, sig)).toBe(false);
    expect(links.valid('attachment-link', 'file-1', expires + 1, sig)).toBe(false);
    expect(links.valid('attachment-link', 'file-1', expires, `${sig}x`)).toBe(false);
    const past = parse(links.query('attachment-link', 'file-1', Date.now() - 1));
    expect(links.valid('attachment-link', 'file-1', past.expires, past.sig)).toBe(false);
  });

  it('keeps links working through a key rotation while the previous key is set, and signs with the new one', () => {
    expect(new SignedLinks(NEW, OLD).valid('attachment-link', 'file-1', expires, sig)).toBe(true);
    expect(new SignedLinks(NEW).valid('attachment-link', 'file-1', expires, sig)).toBe(false);
    const fresh = parse(new SignedLinks(NEW, OLD).query('attachment-link', 'file-1', inADay));
    expect(new SignedLinks(NEW).valid('attachment-link', 'file-1', fresh.expires, fresh.sig)).toBe(true);
    expect(new SignedLinks(OLD).valid('attachment-link', 'file-1', fresh.expires, fresh.sig)).toBe(false);
  });
});
