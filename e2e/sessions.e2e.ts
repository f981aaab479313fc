import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sessions from '../apps/web/src/features/sessions/i18n/ko.json';
import progress from '../apps/web/src/features/progress/i18n/ko.json';
import ko from '../apps/web/src/i18n/ko.json';
import { onboardedUser } from './support/accounts';
import { baseUrl, launchBrowser, newPage } from './support/browser';
import { horizontalOverflow, onPath, smallTapTargets, until } from './support/flow';

const resultsDir = path.resolve('test-results');

/** How the page writes a time: the same Intl format, in the reader's zone and in Korean. */
const shown = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('ko-KR', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

describe('STUDYMATE sessions: booking between two browsers in two time zones', () => {
  let browser: Browser;
  let a: { context: BrowserContext; page: Page };
  let b: { context: BrowserContext; page: Page };
  let headers: { a: Record<string, string>; b: Record<string, string>; bId: string };

  beforeAll(async () => {
    browser = await launchBrowser();
    // A in Seoul on a desktop; B in New York on a phone, with the phone's clock in New York too.
    a = await newPage(browser, 'desktop');
    b = await newPage(browser, 'phone', 'America/New_York');
    const stamp = Date.now();
    const minji = await onboardedUser(a.context, `minji.${stamp}@example.com`, '김민지', 'ko', 'Minji Kim');
    const owen = await onboardedUser(b.context, `owen.${stamp}@example.com`, 'Owen', 'en', 'Oscar Brooks', 'new-york');
    // Mates through the API: the matching e2e covers asking and accepting in the browser.
    const sent = await a.context.request.post(`${baseUrl}/api/v1/matching/requests`, {
      data: { receiverId: owen.id, message: 'Shall we practise?' },
      headers: minji.headers,
    });
    expect(sent.ok(), await sent.text()).toBe(true);
    const accepted = await b.context.request.post(`${baseUrl}/api/v1/matching/requests/${(await sent.json()).id}/accept`, {
      headers: owen.headers,
    });
    expect(accepted.ok(), await accepted.text()).toBe(true);
    headers = { a: minji.headers, b: owen.headers, bId: owen.id };
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      for (const [name, side] of [
        ['a', a],
        ['b', b],
      ] as const)
        await side?.page.screenshot({ path: path.join(resultsDir, `failed-sessions-${name}.png`), fullPage: true }).catch(() => {});
    }
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('A proposes from her mate card, B sees it arrive live and accepts, and both calendars show it in their own zones', async () => {
    // B waits on an empty sessions page, which says what to do next.
    await b.page.goto('/sessions');
    await b.page.getByText(sessions.empty).waitFor();

    // A starts from the mate's card and fills the form in Seoul time, three days ahead at 21:30.
    await a.page.goto('/mates');
    await a.page.getByRole('article', { name: 'Oscar Brooks' }).getByRole('link', { name: '세션 예약' }).click();
    await onPath(a.page, '/schedule');
    await a.page.getByLabel(sessions.propose.mate).selectOption({ label: 'Oscar Brooks' });
    await a.page.getByRole('radio', { name: sessions.kind.voice }).check();
    // A date in the past is refused under the date itself, in the reader's language.
    await a.page.getByLabel(sessions.propose.date).fill('2020-01-01');
    await a.page.getByLabel(sessions.propose.time).fill('10:00');
    await a.page.getByRole('button', { name: sessions.propose.submit }).click();
    await a.page.getByRole('alert').getByText(sessions.propose.fields.date).waitFor();
    expect(await a.page.getByLabel(sessions.propose.date).getAttribute('aria-invalid')).toBe('true');
    expect(await a.page.getByText(ko.errors.VALIDATION_FAILED).count()).toBe(0);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date(Date.now() + 3 * 86_400_000));
    await a.page.getByLabel(sessions.propose.date).fill(day);
    expect(await a.page.getByText(sessions.propose.fields.date).count(), 'gone once the date is changed').toBe(0);
    await a.page.getByLabel(sessions.propose.time).fill('21:30');
    await a.page.getByLabel(sessions.propose.length).selectOption('45');
    await a.page.getByRole('checkbox', { name: sessions.propose.reminder['60'] }).check();
    await a.page.getByLabel(sessions.propose.topic).fill('여행 이야기');
    await a.page.screenshot({ path: path.join(resultsDir, 'sessions-propose.png'), fullPage: true });
    await a.page.getByRole('button', { name: sessions.propose.submit }).click();
    await onPath(a.page, '/sessions');

    const startsAt = new Date(`${day}T21:30:00+09:00`).toISOString();
    const mine = a.page.getByTestId('session').first();
    await mine.getByTestId('session-state').getByText(sessions.state.proposed).waitFor();
    expect(await mine.getByTestId('session-when').textContent()).toBe(shown(startsAt, 'Asia/Seoul'));

    // No reload on B's side: the notice refreshes the list; B reads it on New York's clock.
    const theirs = b.page.getByTestId('session').first();
    await theirs.getByRole('button', { name: sessions.actions.accept }).waitFor();
    expect(await theirs.getByTestId('session-when').textContent()).toBe(shown(startsAt, 'America/New_York'));
    await theirs.getByText('여행 이야기').waitFor();
    await b.page.screenshot({ path: path.join(resultsDir, 'sessions-phone-proposed.png'), fullPage: true });
    await theirs.getByRole('button', { name: sessions.actions.accept }).click();
    await theirs.getByTestId('session-state').getByText(sessions.state.booked).waitFor();

    // A hears of it live, too.
    await mine.getByTestId('session-state').getByText(sessions.state.booked).waitFor();
    expect(await mine.getByRole('button', { name: sessions.actions.join }).isDisabled()).toBe(true);
    // The built server writes the .ics with the zone's own VTIMEZONE (its rules are read from files at run time).
    const [download] = await Promise.all([
      a.page.waitForEvent('download'),
      mine.getByRole('button', { name: sessions.actions.ics }).click(),
    ]);
    const ics = readFileSync((await download.path())!, 'utf8');
    expect(ics).toContain('BEGIN:VTIMEZONE');
    expect(ics).toContain('TZID:Asia/Seoul');
    expect(ics).toContain('Oscar Brooks');
    // The home page shows it as the next session: Join waits for the start, and the details lead to it.
    await a.page.goto('/');
    const details = a.page.getByRole('link', { name: progress.sessionDetails });
    await details.waitFor();
    expect(await a.page.getByRole('button', { name: sessions.actions.join }).isDisabled()).toBe(true);
    // Why it is off is written beside it (a phone has no hover for a title).
    expect(await a.page.getByTestId('join-hint').textContent()).toBe(sessions.actions.joinHint);
    await details.click();
    await onPath(a.page, '/sessions');
    await mine.getByTestId('session-state').getByText(sessions.state.booked).waitFor();

    // The month view: each sees it on the day it falls on in their own zone.
    for (const [side, zone] of [
      [a, 'Asia/Seoul'],
      [b, 'America/New_York'],
    ] as const) {
      await side.page.getByRole('button', { name: sessions.views.month }).click();
      const dayThere = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date(startsAt));
      const cell = side.page.locator(`[data-day="${dayThere}"]`);
      await side.page.locator('[data-day]').first().waitFor();
      if (!(await cell.isVisible())) await side.page.getByRole('button', { name: sessions.next }).click();
      await cell.click();
      const card = side.page.getByTestId('session').first();
      expect(await card.getByTestId('session-when').textContent()).toBe(shown(startsAt, zone));
    }
    expect(await horizontalOverflow(b.page)).toBeLessThanOrEqual(0);
    expect(await smallTapTargets(b.page)).toEqual([]);
    await b.page.screenshot({ path: path.join(resultsDir, 'sessions-phone-month.png'), fullPage: true });
    await a.page.screenshot({ path: path.join(resultsDir, 'sessions-desktop-month.png'), fullPage: true });
  });

  it('B moves it and A accepts the new time; then A cancels with a reason B reads', async () => {
    await b.page.goto('/sessions');
    const theirs = b.page.getByTestId('session').first();
    // On the phone too, the disabled Join says when it opens, in words on the screen.
    await theirs.getByTestId('join-hint').waitFor();
    await theirs.getByRole('button', { name: sessions.actions.move }).click();
    const newTime = '08:00';
    await theirs.getByLabel(sessions.form.newTime).fill(newTime);
    // The reason is required, as its label says; without one the form says so beside it, in its own words.
    const reasonField = theirs.getByLabel(sessions.form.reason);
    expect(await theirs.locator('label', { hasText: sessions.form.reason }).textContent()).toContain(ko.common.required);
    await theirs.getByRole('button', { name: sessions.form.askMove }).click();
    await theirs.getByRole('alert').getByText(sessions.form.reasonMissing).waitFor();
    expect(await reasonField.getAttribute('aria-invalid')).toBe('true');
    expect(await reasonField.evaluate((el) => el === document.activeElement), 'focus on the field to fix').toBe(true);
    expect(await theirs.getByText(/답을 기다리는 중/).count(), 'nothing asked').toBe(0);
    await reasonField.fill('Early meeting');
    expect(await theirs.getByText(sessions.form.reasonMissing).count()).toBe(0);
    await theirs.getByRole('button', { name: sessions.form.askMove }).click();
    await theirs.getByText(/답을 기다리는 중/).waitFor();

    await a.page.goto('/sessions');
    const mine = a.page.getByTestId('session').first();
    await mine.getByRole('button', { name: sessions.actions.acceptMove }).click();
    await mine.getByText(sessions.moved, { exact: false }).waitFor();
    await until('B sees the new time', async () => (await theirs.getByTestId('session-when').textContent())?.endsWith(newTime) ?? false);
    // Home's next session is the moved one, at its new time.
    const movedWhen = (await mine.getByTestId('session-when').textContent())!;
    await a.page.goto('/');
    await a.page.getByRole('link', { name: progress.sessionDetails }).waitFor();
    expect(await a.page.getByText(movedWhen).count()).toBe(1);
    await a.page.goto('/sessions');

    await mine.getByRole('button', { name: sessions.actions.cancel }).click();
    await mine.getByLabel(sessions.form.reason).fill('아파요');
    await mine.getByRole('button', { name: sessions.form.confirmCancel }).click();
    // B's list changes without a reload: cancelled, with A's reason.
    await theirs.getByTestId('session-state').getByText(sessions.state.cancelled).waitFor();
    await theirs.getByText('사유: 아파요').waitFor();
    expect(await theirs.getByRole('button', { name: sessions.actions.join }).count()).toBe(0);
    // It is no longer listed as coming up: it sits apart, under its own heading.
    await b.page.getByTestId('sessions-cancelled').getByTestId('session-state').getByText(sessions.state.cancelled).waitFor();
    expect(await b.page.getByTestId('sessions-upcoming').count()).toBe(0);
    // Home no longer offers it as the next session, to either person.
    for (const side of [a, b]) {
      await side.page.goto('/');
      await side.page.getByText(progress.noSession).waitFor();
      expect(await side.page.getByRole('button', { name: sessions.actions.join }).count()).toBe(0);
    }
  });

  it('B asks to move a weekly series from its next session on, A accepts, and every later one is at the new time for both', async () => {
    // A weekly series of three at 20:00 Seoul time, ten days ahead (booked through the API).
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date(Date.now() + 10 * 86_400_000));
    const proposed = await a.context.request.post(`${baseUrl}/api/v1/sessions`, {
      data: { partnerId: headers.bId, kind: 'video', date: day, time: '20:00', minutes: 30, repeat: { every: 'week', count: 3 } },
      headers: headers.a,
    });
    expect(proposed.ok(), await proposed.text()).toBe(true);
    const id = (await proposed.json()).sessionId as string;
    expect((await b.context.request.post(`${baseUrl}/api/v1/sessions/${id}/accept`, { headers: headers.b })).ok()).toBe(true);

    // B (New York) moves the first and every later one to 08:00 on his clock.
    await b.page.goto(`/sessions?session=${id}`);
    const first = b.page.locator(`[data-testid="session"][data-session="${id}"]`).first();
    await first.getByRole('button', { name: sessions.actions.move }).click();
    await first.getByLabel(sessions.form.newTime).fill('08:00');
    await first.getByRole('radio', { name: sessions.form.scopeFollowing }).check();
    await first.getByLabel(sessions.form.reason).fill('New job');
    expect(await smallTapTargets(b.page)).toEqual([]);
    await b.page.screenshot({ path: path.join(resultsDir, 'sessions-phone-move-series.png'), fullPage: true });
    await first.getByRole('button', { name: sessions.form.askMove }).click();
    await first.getByText(/반복 전체를 .*답을 기다리는 중/).waitFor();

    // A sees that the ask is for the series and accepts it.
    await a.page.goto(`/sessions?session=${id}`);
    const mine = a.page.locator(`[data-testid="session"][data-session="${id}"]`).first();
    await mine.getByText(/이번 세션부터 반복 전체의 새 시간 요청/).waitFor();
    await mine.getByRole('button', { name: sessions.actions.acceptMove }).click();
    // All three at the new time on both sides: 08:00 on B's clock for the first, and the series
    // keeps one wall-clock time on A's (Seoul) clock, no longer 20:00.
    const times = (side: { page: Page }) =>
      side.page.locator(`[data-testid="session"][data-session="${id}"] [data-testid="session-when"]`).allTextContents();
    await until('B sees the first at 08:00', async () => (await times(b))[0]?.endsWith('08:00') ?? false);
    await until('A sees all three at one new time', async () => {
      const seen = (await times(a)).map((text) => text.slice(-5));
      return seen.length === 3 && new Set(seen).size === 1 && seen[0] !== '20:00';
    });
    expect(await times(b)).toHaveLength(3);
  });
});
