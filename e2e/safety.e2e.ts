import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RoomSummary } from '@studymate/contracts';
import chat from '../apps/web/src/features/chat/i18n/ko.json';
import safety from '../apps/web/src/features/safety/i18n/ko.json';
import admin from '../apps/web/src/features/admin/i18n/ko.json';
import ko from '../apps/web/src/i18n/ko.json';
import { administrator, onboardedUser } from './support/accounts';
import { baseUrl, launchBrowser, newPage } from './support/browser';
import { onPath } from './support/flow';

/**
 * B reports A's message; an administrator (signed in with Naver, listed in ADMIN_EMAILS) sees the
 * report with the conversation copied as evidence and suspends A; A's open browser is signed out
 * at once and told until when; A cannot sign in until then.
 */
describe('STUDYMATE safety: a report, its evidence and a suspension that takes effect at once', () => {
  let browser: Browser;
  let a: { context: BrowserContext; page: Page };
  let b: { context: BrowserContext; page: Page };
  let boss: { context: BrowserContext; page: Page };
  let roomId = '';
  let aAuth: { id: string; headers: Record<string, string> };
  const aEmail = `safety-a-${Date.now()}@example.test`;

  beforeAll(async () => {
    browser = await launchBrowser();
    a = await newPage(browser, 'desktop');
    b = await newPage(browser, 'phone');
    boss = await newPage(browser, 'desktop');
    aAuth = await onboardedUser(a.context, aEmail, 'Abe', 'en', 'Abe Stone');
    const bAuth = await onboardedUser(b.context, `safety-b-${Date.now()}@example.test`, '보라', 'ko', 'Bora Lee');
    const room = await b.context.request.post(`${baseUrl}/api/v1/chat/rooms/direct`, {
      data: { partnerId: aAuth.id },
      headers: bAuth.headers,
    });
    roomId = ((await room.json()) as RoomSummary).id;
    for (const [i, text] of [
      '안녕하세요!',
      'hi, nice to meet you',
      'where do you live?',
      'Seoul',
      '서울 좋아요',
      'send me money now or else',
    ].entries()) {
      const from = i % 2 ? a : b;
      const headers = i % 2 ? aAuth.headers : bAuth.headers;
      const sent = await from.context.request.post(`${baseUrl}/api/v1/chat/rooms/${roomId}/messages`, {
        data: { clientId: `safety-e2e-${i}`, kind: 'text', body: text },
        headers,
      });
      expect(sent.ok(), await sent.text()).toBe(true);
    }
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('B sees A’s abusive introduction hidden on A’s profile until B chooses to read it', async () => {
    const intro = 'Learning Korean here, and fuck you all';
    const saved = await a.context.request.put(`${baseUrl}/api/v1/onboarding/basic`, {
      data: { englishName: 'Abe Stone', cityId: 'seoul', intro },
      headers: aAuth.headers,
    });
    expect(saved.ok(), await saved.text()).toBe(true);
    await b.page.goto(`/matching/people/${aAuth.id}`);
    const masked = b.page.getByTestId('masked-intro');
    await masked.getByText(safety.masked.introHidden).waitFor();
    expect(await b.page.getByText(intro).count()).toBe(0);
    await masked.getByRole('button', { name: safety.masked.show }).tap();
    await b.page.getByTestId('partner-intro').getByText(intro).waitFor();
  });

  it('B reports A’s message from the message menu', async () => {
    await b.page.goto(`/chat/${roomId}`);
    const threat = b.page.getByTestId('message').filter({ hasText: 'send me money now or else' });
    await threat.getByRole('button', { name: chat.message.actions }).tap();
    await b.page.getByRole('menuitem', { name: safety.report.message }).tap();
    const dialog = b.page.getByRole('dialog');
    await dialog.getByLabel(safety.report.reasons.harassment).check();
    await dialog.getByLabel(safety.report.comment).fill('돈을 보내라고 협박해요');
    await dialog.getByRole('button', { name: safety.report.send }).tap();
    // The thanks name the section as Settings shows it, and lead there; the reporter follows its state.
    const thanks = dialog.getByRole('status');
    await thanks.getByText(safety.report.sent.split('<reports>')[0]!).waitFor();
    await thanks.getByRole('link', { name: safety.mine.title }).tap();
    await onPath(b.page, '/settings');
    expect(await dialog.count(), 'the dialog closes on the way').toBe(0);
    await b.page
      .getByRole('region', { name: safety.mine.title })
      .getByTestId('my-report')
      .filter({ hasText: safety.mine.states.open })
      .waitFor();
  });

  it('an administrator sees the report with the conversation as evidence, and suspends A; A’s open browser is signed out and told until when', async () => {
    // A is using the app with a live connection.
    await a.page.goto(`/chat/${roomId}`);
    await a.page.getByTestId('message').filter({ hasText: 'send me money now or else' }).waitFor();

    // The administrator signs in with Naver (the local provider), then sets up like anyone.
    await administrator(boss.context);

    const page = boss.page;
    await page.goto('/');
    await page.getByRole('link', { name: ko.nav.admin }).click();
    await onPath(page, '/admin');
    const item = page.getByTestId('queue-item').filter({ hasText: admin.reasons.harassment }).first();
    await item.getByRole('link', { name: admin.queue.open }).click();
    const evidence = page.getByTestId('evidence-message');
    await evidence.filter({ hasText: 'send me money now or else' }).and(page.locator('[data-reported]')).waitFor();
    await evidence.filter({ hasText: '안녕하세요!' }).waitFor();
    expect(await evidence.count()).toBe(6);
    await page.getByTestId('person-history').getByText(/Abe/).first().waitFor();
    // The account's state in the administrator's language, not the stored word.
    await page.getByTestId('person-history').getByText(admin.person.status.replace('{{status}}', admin.accountStatus.active)).waitFor();

    await page.getByLabel(admin.action.suspend, { exact: true }).check();
    await page.getByLabel(admin.action.days).fill('3');
    await page.getByLabel(admin.action.reason).fill('협박 메시지');
    await page.getByRole('button', { name: admin.action.submit }).click();
    await page.getByTestId('report-state').filter({ hasText: admin.states.actioned }).waitFor();

    // A's open browser: signed out at once, with the suspension and its end date.
    await onPath(a.page, '/signin');
    const notice = a.page.getByTestId('suspension-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/정지/);
    expect(await notice.textContent()).toContain('협박 메시지');

    // The platform figures draw calls and their minutes like the other figures.
    await page.getByRole('link', { name: admin.tabs.figures }).click();
    for (const title of [admin.figures.signUps, admin.figures.calls, admin.figures.callMinutes])
      await page.getByTestId('figure-chart').filter({ hasText: title }).waitFor();
  });

  it('A cannot sign in again until the suspension ends', async () => {
    const page = a.page;
    await page.reload();
    await page.getByLabel(ko.signin.dev.email).fill(aEmail);
    await page.getByLabel(ko.signin.dev.displayName).fill('Abe');
    await page.getByRole('button', { name: ko.signin.dev.submit }).click();
    await page.getByTestId('suspension-notice').waitFor();
    expect(await page.getByTestId('suspension-notice').textContent()).toMatch(/\d/);
    await page.goto('/chat');
    await onPath(page, '/signin');
  });
});
