import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, WebSocket } from 'playwright-core';
import type { RoomSummary } from '@studymate/contracts';
import ko from '../apps/web/src/i18n/ko.json';
import progress from '../apps/web/src/features/progress/i18n/ko.json';
import notifications from '../apps/web/src/features/notifications/i18n/ko.json';
import { onboardedUser } from './support/accounts';
import { baseUrl, launchBrowser, newPage } from './support/browser';
import { bell, bellCount, until } from './support/flow';

const resultsDir = path.resolve('test-results');
mkdirSync(resultsDir, { recursive: true });

describe('STUDYMATE progress and notifications', () => {
  let browser: Browser;
  let mina: { context: BrowserContext; page: Page };
  let sam: { context: BrowserContext; page: Page };
  let minaAuth: Awaited<ReturnType<typeof onboardedUser>>;
  let samAuth: Awaited<ReturnType<typeof onboardedUser>>;

  beforeAll(async () => {
    browser = await launchBrowser();
    mina = await newPage(browser, 'phone');
    sam = await newPage(browser, 'desktop');
    const stamp = Date.now();
    minaAuth = await onboardedUser(mina.context, `mina.progress.${stamp}@example.com`, '김미나', 'ko');
    samAuth = await onboardedUser(sam.context, `sam.progress.${stamp}@example.com`, 'Sam', 'en');
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50);
    await mina?.page.screenshot({ path: path.join(resultsDir, `failed-progress-mina-${name}.png`), fullPage: true }).catch(() => {});
    await sam?.page.screenshot({ path: path.join(resultsDir, `failed-progress-sam-${name}.png`), fullPage: true }).catch(() => {});
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a chat day moves the dashboard’s practice time and streak', async () => {
    await mina.page.goto('/');
    await mina.page.getByRole('heading', { name: ko.home.greeting.replace('{{name}}', '김미나') }).waitFor();
    // A newcomer is told what to do first, and how practice is counted.
    await mina.page.getByText(progress.emptyTitle).waitFor();
    await mina.page.getByText(progress.chatCredit.split('{{')[0]!.trim()).waitFor();
    expect(await mina.page.getByTestId('total-practice').textContent()).toContain(progress.minutes.replace('{{count}}', '0'));
    expect(await mina.page.getByTestId('streak').textContent()).toContain(progress.streakDays_other.replace('{{count}}', '0'));
    await mina.page.screenshot({ path: path.join(resultsDir, 'dashboard-empty-375.png'), fullPage: true });
    // The level test (English speaking) is offered to Mina, a Korean native, and not to Sam, a native English speaker.
    await mina.page.getByRole('link', { name: progress.takeTest }).first().waitFor();
    await mina.page.getByText(progress.noLevels).waitFor();
    // Sam's home page says nothing of a level he cannot get: no test link, no empty level history.
    // (The profile, which says whom the test is for, is read as the app starts.)
    const samsProfile = sam.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/me' && r.ok());
    await sam.page.goto('/');
    await samsProfile;
    await sam.page.getByTestId('total-practice').waitFor();
    await sam.page.getByRole('heading', { name: progress.weeklyGoal }).waitFor();
    expect(await sam.page.getByRole('link', { name: progress.takeTest }).count()).toBe(0);
    expect(await sam.page.getByText(progress.noLevel).count()).toBe(0);
    expect(await sam.page.getByText(progress.noLevels).count()).toBe(0);

    const opened = await mina.context.request.post(`${baseUrl}/api/v1/chat/rooms/direct`, {
      data: { partnerId: samAuth.id },
      headers: minaAuth.headers,
    });
    expect(opened.status(), await opened.text()).toBe(200);
    const roomId = ((await opened.json()) as RoomSummary).id;
    for (let i = 0; i < 20; i++) {
      const sent = await mina.context.request.post(`${baseUrl}/api/v1/chat/rooms/${roomId}/messages`, {
        data: { clientId: `progress-e2e-${Date.now()}-${i}`, kind: 'text', body: `연습 메시지 ${i + 1}` },
        headers: minaAuth.headers,
      });
      expect(sent.ok(), await sent.text()).toBe(true);
    }
    // 20 messages in a day are 2 minutes of practice and a streak day, once chat's tally has run.
    await until(
      'the dashboard to show the chat day',
      async () => {
        await mina.page.reload();
        await mina.page.getByTestId('total-practice').waitFor();
        return (await mina.page.getByTestId('total-practice').textContent())!.includes(progress.minutes.replace('{{count}}', '2'));
      },
      30_000,
    );
    expect(await mina.page.getByTestId('streak').textContent()).toContain(progress.streakDays_other.replace('{{count}}', '1'));
    await mina.page.screenshot({ path: path.join(resultsDir, 'dashboard-chat-day-375.png'), fullPage: true });
  });

  it('a match request from another person raises the bell without a reload; mark all read on a second tab clears it', async () => {
    const stamp = Date.now();
    const sora = await newPage(browser, 'desktop');
    const soraAuth = await onboardedUser(sora.context, `sora.progress.${stamp}@example.com`, 'Sora', 'ko', 'Sora Park');
    // The request is made once the page's live subscription to its notifications is on its way:
    // pushed before it, the request would reach the bell only through the count read on connect, without a toast.
    let subscribed = () => {};
    const subscribing = new Promise<void>((resolve) => (subscribed = resolve));
    const onSocket = (ws: WebSocket) =>
      ws.on('framesent', (frame) => {
        const text = String(frame.payload);
        if (text.startsWith('SUBSCRIBE') && text.includes('destination:/user/queue/notifications')) subscribed();
      });
    sam.page.on('websocket', onSocket);
    await sam.page.goto('/');
    await subscribing;
    sam.page.off('websocket', onSocket);
    await bell(sam.page).waitFor();
    // What is already unread (Mina's new room), as the server counts it, shown once the page has it.
    const unread = await sam.context.request.get(`${baseUrl}/api/v1/notifications/unread-count`, { headers: samAuth.headers });
    const before = ((await unread.json()) as { unread: number }).unread;
    await until('the bell to show what was unread', async () => (await bellCount(sam.page)) === before);

    const asked = await sora.context.request.post(`${baseUrl}/api/v1/matching/requests`, {
      data: { receiverId: samAuth.id, message: 'Shall we practise together?' },
      headers: soraAuth.headers,
    });
    expect(asked.status(), await asked.text()).toBe(200);
    await until('the bell to count the request', async () => (await bellCount(sam.page)) === before + 1);
    // A short toast says who asked.
    await sam.page.getByRole('status').getByText('Sora').first().waitFor();

    const second = await sam.context.newPage();
    await second.goto('/notifications');
    await second.getByRole('heading', { name: ko.nav.notifications, level: 1 }).waitFor();
    await second.getByTestId('notification-list').getByText('Shall we practise together?').waitFor();
    await second.getByRole('button', { name: notifications.markAll }).click();
    await until('the first tab’s bell to clear', async () => (await bellCount(sam.page)) === 0);
    await until('the second tab’s bell to clear', async () => (await bellCount(second)) === 0);
    await sora.context.close();
  });

  it('a notification pushed while the live connection was down is counted and listed once it is back, without a reload', async () => {
    const stamp = Date.now();
    const jun = await newPage(browser, 'desktop');
    const junAuth = await onboardedUser(jun.context, `jun.progress.${stamp}@example.com`, 'Jun', 'ko', 'Jun Lee');
    // This tab's live connection is turned away (the app retries) until the request below was pushed.
    let connectable = false;
    const page = await sam.context.newPage();
    await page.routeWebSocket(/\/ws$/, (ws) => {
      if (connectable) ws.connectToServer();
      else void ws.close();
    });
    await page.goto('/notifications');
    await bell(page).waitFor();
    const unread = await sam.context.request.get(`${baseUrl}/api/v1/notifications/unread-count`, { headers: samAuth.headers });
    const before = ((await unread.json()) as { unread: number }).unread;
    await until('the bell to show what was unread', async () => (await bellCount(page)) === before);
    // The list was read before the request is made.
    await page.locator('section[aria-busy="false"]').waitFor();

    const asked = await jun.context.request.post(`${baseUrl}/api/v1/matching/requests`, {
      data: { receiverId: samAuth.id, message: `Coffee chat? ${stamp}` },
      headers: junAuth.headers,
    });
    expect(asked.status(), await asked.text()).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.getByText(`Coffee chat? ${stamp}`).count()).toBe(0);
    expect(await bellCount(page)).toBe(before);
    connectable = true;
    await until('the bell to count what was pushed while disconnected', async () => (await bellCount(page)) === before + 1, 30_000);
    // The open list reads itself again on the connection.
    await page.getByText(`Coffee chat? ${stamp}`).waitFor();
    await page.close();
    await jun.context.close();
  });

  it('a notification pushed while the live subscription is still on its way is counted, without a reload', async () => {
    const stamp = Date.now();
    const ara = await newPage(browser, 'desktop');
    const araAuth = await onboardedUser(ara.context, `ara.progress.${stamp}@example.com`, 'Ara', 'ko', 'Ara Kim');
    // The tab's SUBSCRIBE to its notifications, and every frame after it, are held on the way to the
    // server until the request below was pushed; the connection itself is up.
    const page = await sam.context.newPage();
    let stage: 'waiting' | 'holding' | 'released' = 'waiting';
    const held: string[] = [];
    let release = () => {};
    let seen = () => {};
    const subscribing = new Promise<void>((resolve) => (seen = resolve));
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer();
      release = () => {
        stage = 'released';
        for (const frame of held.splice(0)) server.send(frame);
      };
      ws.onMessage((message) => {
        const frame = String(message);
        if (stage === 'waiting' && frame.startsWith('SUBSCRIBE') && frame.includes('destination:/user/queue/notifications')) {
          stage = 'holding';
          seen();
        }
        if (stage === 'holding') held.push(frame);
        else server.send(frame);
      });
    });
    // The app asks for the count once at start; on connecting it asks again only after the receipt
    // of its subscriptions, which are held, so this answer is the last before the push.
    const startCount = page.waitForResponse((r) => r.url().endsWith('/api/v1/notifications/unread-count'));
    await page.goto('/');
    await subscribing;
    await bell(page).waitFor();
    await startCount;
    const unread = await sam.context.request.get(`${baseUrl}/api/v1/notifications/unread-count`, { headers: samAuth.headers });
    const before = ((await unread.json()) as { unread: number }).unread;
    await until('the bell to show what was unread', async () => (await bellCount(page)) === before);
    const asked = await ara.context.request.post(`${baseUrl}/api/v1/matching/requests`, {
      data: { receiverId: samAuth.id, message: 'Shall we talk?' },
      headers: araAuth.headers,
    });
    expect(asked.status(), await asked.text()).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await bellCount(page)).toBe(before);
    release();
    await until(
      'the bell to count what was pushed before the subscription was live',
      async () => (await bellCount(page)) === before + 1,
      15_000,
    );
    await page.close();
    await ara.context.close();
  });

  it('the statistics and achievements pages tell a person what they did and what comes next', async () => {
    await mina.page.goto('/statistics');
    await mina.page.getByRole('heading', { name: ko.nav.statistics, level: 1 }).waitFor();
    await mina.page.getByText(progress.practiceOverTime).waitFor();
    await mina.page.getByRole('tab', { name: progress.range.year }).click();
    await mina.page.getByRole('tab', { name: progress.range.year, selected: true }).waitFor();
    await mina.page.screenshot({ path: path.join(resultsDir, 'statistics-375.png'), fullPage: true });
    await mina.page.goto('/achievements');
    await mina.page.getByRole('heading', { name: ko.nav.achievements, level: 1 }).waitFor();
    await mina.page.getByRole('heading', { name: progress.items['streak-7'].title }).waitFor();
    expect(await mina.page.locator('[data-achievement="streak-7"]').textContent()).toContain('1 / 7');
  });
});
