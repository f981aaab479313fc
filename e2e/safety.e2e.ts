import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RoomSummary } from '@studymate/contracts';
import chat from '../apps/web/src/features/chat/i18n/ko.json';
import safety from '../apps/web/src/features/safety/i18n/ko.json';
import admin from '../apps/web/src/features/admin/i18n/ko.json';
import matching from '../apps/web/src/features/matching/i18n/ko.json';
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
  let bAuth: { id: string; headers: Record<string, string> };
  const aEmail = `safety-a-${Date.now()}@example.test`;

  beforeAll(async () => {
    browser = await launchBrowser();
    a = await newPage(browser, 'desktop');
    b = await newPage(browser, 'phone');
    boss = await newPage(browser, 'desktop');
    aAuth = await onboardedUser(a.context, aEmail, 'Abe', 'en', 'Abe Stone');
    bAuth = await onboardedUser(b.context, `safety-b-${Date.now()}@example.test`, '보라', 'ko', 'Bora Lee');
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

  it('a spam request is evidence; a ban is confirmed first, reads 영구 정지됨 and refuses an accept; a lift asks for a reason; the audit log names the person in Korean, on a phone too', async () => {
    const spam = 'Buy cheap crypto at scam.example, DM me';
    const troll = await newPage(browser, 'desktop');
    const trollAuth = await onboardedUser(troll.context, `safety-troll-${Date.now()}@example.test`, 'Tom', 'en', 'Tom Troll');
    const sent = await troll.context.request.post(`${baseUrl}/api/v1/matching/requests`, {
      data: { receiverId: bAuth.id, message: spam },
      headers: trollAuth.headers,
    });
    expect(sent.ok(), await sent.text()).toBe(true);
    const reported = await b.context.request.post(`${baseUrl}/api/v1/reports`, {
      data: { userId: trollAuth.id, reason: 'spam', comment: '' },
      headers: bAuth.headers,
    });
    expect(reported.ok(), await reported.text()).toBe(true);
    await troll.context.close();
    // B has the request on screen before the ban.
    await b.page.goto('/matching/requests');
    const request = b.page.getByRole('list', { name: matching.requests.received }).getByRole('listitem').filter({ hasText: spam });
    await request.waitFor();

    const page = boss.page;
    await page.goto('/admin');
    await page.getByTestId('queue-item').filter({ hasText: 'Tom Troll' }).getByRole('link', { name: admin.queue.open }).click();
    // The request's message is the evidence, marked as one.
    await page.getByTestId('evidence-message').filter({ hasText: spam }).filter({ hasText: admin.report.requestMessage }).waitFor();
    // One way of writing a moment on the page (the report's and the message's), the long Korean one.
    const times = (await page.locator('main').innerText()).match(/\d{4}년 \d{1,2}월 \d{1,2}일/g) ?? [];
    expect(times.length).toBeGreaterThanOrEqual(2);
    expect(await page.locator('main').innerText()).not.toMatch(/\d{2}\. \d{1,2}\. \d{1,2}\./);

    // A ban asks first; cancelling applies nothing.
    const form = page.getByRole('form', { name: admin.action.title });
    await form.getByLabel(admin.action.ban, { exact: true }).check();
    await form.getByLabel(admin.action.reason).fill('스팸 요청');
    await form.getByRole('button', { name: admin.action.submit }).click();
    const confirm = page.getByRole('dialog', { name: admin.action.banTitle.replace('{{name}}', 'Tom') });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: ko.common.cancel }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await page.getByTestId('report-state').textContent()).toBe(admin.states.open);
    await form.getByRole('button', { name: admin.action.submit }).click();
    await confirm.getByRole('button', { name: admin.action.ban }).click();
    await page.getByTestId('report-state').filter({ hasText: admin.states.actioned }).waitFor();
    const banned = admin.person.status.replace('{{status}}', admin.accountStatus.banned);
    await page.getByTestId('person-history').getByText(banned).waitFor();

    // B's page is from before the ban: accepting says why it cannot be.
    await request.getByRole('button', { name: matching.requests.accept }).tap();
    await request.getByRole('alert').getByText(ko.errors.PARTNER_UNAVAILABLE).waitFor();
    expect(new URL(b.page.url()).pathname).toBe('/matching/requests');

    // Lifting asks for a reason and a confirmation, then says it is done.
    await page.goto(`/admin/people/${trollAuth.id}`);
    await page.getByTestId('person-history').getByText(banned).waitFor();
    const lift = page.getByRole('form', { name: admin.lift.title });
    await expect(lift.getByRole('button', { name: admin.lift.submit }).isDisabled()).resolves.toBe(true);
    await lift.getByLabel(admin.action.reason).fill('이의 신청 인정');
    await lift.getByRole('button', { name: admin.lift.submit }).click();
    await page
      .getByRole('dialog', { name: admin.lift.confirmTitle.replace('{{name}}', 'Tom') })
      .getByRole('button', { name: admin.lift.confirm })
      .click();
    await page.getByTestId('lift-done').getByText(admin.lift.done.replace('{{name}}', 'Tom')).waitFor();
    await page.getByTestId('person-history').getByText(admin.person.status.replace('{{status}}', admin.accountStatus.active)).waitFor();
    expect(await lift.count()).toBe(0);

    // The audit log: whom each action was about (a link to their page), the action in Korean, the reason whole on a phone.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByRole('link', { name: admin.tabs.audit }).click();
    const entries = page.getByTestId('audit-entry');
    const lifted = entries.filter({ hasText: '이의 신청 인정' });
    await lifted.getByText(admin.audit.actions.lift, { exact: true }).waitFor();
    expect(await lifted.getByRole('link', { name: 'Tom Troll' }).getAttribute('href')).toBe(`/admin/people/${trollAuth.id}`);
    const ban = entries.filter({ hasText: '스팸 요청' });
    await ban.getByText(admin.audit.actions.ban, { exact: true }).waitFor();
    await ban.getByRole('link', { name: admin.audit.report }).waitFor();
    await entries.filter({ hasText: '협박 메시지' }).getByText(admin.audit.actions.suspend, { exact: true }).waitFor();
    const reason = await ban.getByText('스팸 요청').boundingBox();
    expect(reason!.x + reason!.width).toBeLessThanOrEqual(375);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await lifted.getByRole('link', { name: 'Tom Troll' }).click();
    await onPath(page, `/admin/people/${trollAuth.id}`);
    await page.setViewportSize({ width: 1280, height: 900 });
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
