import { describe, expect, it } from 'vitest';
import { documentTitle } from '../src/features/shell/nav';

describe('the tab title', () => {
  it('names the page before the product, so tabs and history entries can be told apart', () => {
    expect(documentTitle('Chat', 0)).toBe('Chat · STUDYMATE');
    expect(documentTitle('채팅', 0)).toBe('채팅 · STUDYMATE');
  });
  it('keeps the unread count in front, capped at 99+', () => {
    expect(documentTitle('Profile', 3)).toBe('(3) Profile · STUDYMATE');
    expect(documentTitle('Profile', 250)).toBe('(99+) Profile · STUDYMATE');
  });
  it('is the product alone where a page has no name', () => {
    expect(documentTitle(null, 0)).toBe('STUDYMATE');
    expect(documentTitle(null, 1)).toBe('(1) STUDYMATE');
  });
});
