import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import chat from '../apps/web/src/features/chat/i18n/ko.json';
import matching from '../apps/web/src/features/matching/i18n/ko.json';
import progress from '../apps/web/src/features/progress/i18n/ko.json';
import safety from '../apps/web/src/features/safety/i18n/ko.json';
import { onboardedUser } from './support/accounts';
import { baseUrl, launchBrowser, newPage } from './support/browser';
import { onPath, pathOf, until } from './support/flow';

const composer = (page: Page) => page.getByLabel(chat.composer.label);

/**
 * A person's card on the recommendations page, paging with "more" until it shows: other suites
 * share this server, so many people may rank beside them.
 */
async function recommendedCard(page: Page, name: string) {
  await page.goto('/matching');
  const cards = page.getByRole('article');
  await cards.first().waitFor();
  const card = page.getByRole('article', { name });
  for (let pages = 1; pages < 5 && (await card.count()) === 0; pages++) {
    const more = page.getByRole('button', { name: matching.recommendations.more });
    if ((await more.count()) === 0) break;
    const shown = await cards.count();
    await more.click();
    await until(`page ${pages + 1} of recommendations`, async () => (await cards.count()) > shown);
  }
  return card;
}

describe('STUDYMATE matching: from a recommendation to a chat', () => {
  let browser: Browser;
  let a: { context: BrowserContext; page: Page };
  let b: { context: BrowserContext; page: Page };
  let hanaId = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    a = await newPage(browser, 'desktop');
    b = await newPage(browser, 'phone');
    const stamp = Date.now();
    // Two newcomers with complementary languages: Korean learning English, English learning Korean.
    hanaId = (await onboardedUser(a.context, `hana.${stamp}@example.com`, '이하나', 'ko', 'Hana Lee')).id;
    await onboardedUser(b.context, `owen.${stamp}@example.com`, 'Owen', 'en', 'Owen Brooks');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('A sees B recommended with reasons and asks; B sees the request arrive live and accepts; both land in their chat', async () => {
    // B waits on the requests page, which tells a newcomer what to do while it is empty.
    await b.page.goto('/matching/requests');
    await b.page.getByText(matching.requests.noneReceived).waitFor();

    const card = await recommendedCard(a.page, 'Owen Brooks');
    await card.getByText(/% 잘 맞아요$/).waitFor();
    expect(await card.getByRole('listitem').count()).toBeGreaterThan(0); // the reasons
    await card.getByRole('button', { name: matching.card.request }).click();
    await card.getByRole('textbox').fill('안녕하세요! 같이 연습해요.');
    await card.getByRole('button', { name: matching.request.send }).click();
    await card.getByRole('status').waitFor();

    // No reload: the request arrives on B's notifications queue.
    const incoming = b.page.getByRole('article', { name: 'Hana Lee' });
    await incoming.getByText('안녕하세요! 같이 연습해요.').waitFor();
    await incoming.getByRole('button', { name: matching.requests.accept }).click();
    await until('B is taken to the new room', async () => /^\/chat\/[0-9a-f-]{36}$/.test(pathOf(b.page)));
    const roomPath = pathOf(b.page);
    await composer(b.page).waitFor();

    // A finds B among the mates, and the chat button opens the same room.
    await a.page.goto('/mates');
    await a.page.getByRole('article', { name: 'Owen Brooks' }).getByRole('link', { name: matching.mates.chat }).click();
    await onPath(a.page, roomPath);
    await composer(a.page).waitFor();
  });

  it('quick match between two browsers: one waits live, the other joins, both land in the same room', async () => {
    const stamp = Date.now();
    const c = await newPage(browser, 'phone');
    const d = await newPage(browser, 'desktop');
    await onboardedUser(c.context, `jiwoo.${stamp}@example.com`, '지우', 'ko', 'Jiwoo Han');
    await onboardedUser(d.context, `ella.${stamp}@example.com`, 'Ella', 'en', 'Ella Grant');
    await c.page.goto('/matching');
    await c.page.getByRole('button', { name: matching.quick.start }).click();
    await c.page.getByRole('status').getByText(matching.quick.waiting.split('…')[0]!).waitFor();

    await d.page.goto('/matching');
    await d.page.getByRole('button', { name: matching.quick.start }).click();
    await until('D lands in a room', async () => /^\/chat\/[0-9a-f-]{36}$/.test(pathOf(d.page)));
    await onPath(c.page, pathOf(d.page));
    await composer(c.page).waitFor();
    await composer(d.page).waitFor();
    await Promise.all([c.context.close(), d.context.close()]);
  });

  it('blocking from a card removes the person from recommendations, and settings lists them to unblock', async () => {
    const third = await browser.newContext();
    await onboardedUser(third, `liam.${Date.now()}@example.com`, 'Liam', 'en', 'Liam Scott');
    await third.close();
    const card = await recommendedCard(a.page, 'Liam Scott');
    await card.getByRole('button', { name: matching.card.block }).click();
    await a.page.getByRole('dialog').getByRole('button', { name: matching.card.block }).click();
    await card.waitFor({ state: 'detached' });
    await a.page.reload();
    await a.page.getByRole('heading', { name: matching.title }).waitFor();
    expect(await a.page.getByRole('article', { name: 'Liam Scott' }).count()).toBe(0);

    await a.page.goto('/settings');
    const blocked = a.page.getByRole('region', { name: matching.blocked.title });
    await blocked.getByText('Liam').waitFor();
    // Their profile is gone once blocked: the list is where they can still be reported.
    await blocked.getByRole('button', { name: safety.report.person, exact: true }).click();
    const report = a.page.getByRole('dialog', { name: safety.report.title.replace('{{name}}', 'Liam Scott') });
    // No reason is chosen for the person: sending without one says what is missing.
    await report.getByRole('button', { name: safety.report.send }).click();
    await report.getByRole('alert').getByText(safety.report.reasonMissing).waitFor();
    expect(await report.getByRole('status').count(), 'nothing sent').toBe(0);
    // The comment stops at its limit, and the counter says so.
    const comment = report.getByLabel(safety.report.comment);
    await comment.fill('스팸 '.repeat(400));
    expect((await comment.inputValue()).length).toBe(1000);
    await report.getByTestId('comment-count').getByText(safety.report.commentLimit.replace('{{max}}', '1,000')).waitFor();
    await report.getByRole('radio', { name: safety.report.reasons.spam }).check();
    expect(await report.getByRole('alert').count(), 'the missing reason is no longer said').toBe(0);
    // A double click on Send: the thanks that take its place are not dismissed by the second click.
    await report.getByRole('button', { name: safety.report.send }).dblclick();
    await report.getByRole('status').waitFor();
    // However quick the server, the second click of a double click (detail 2) landing on OK is ignored.
    await report.getByRole('button', { name: safety.report.done }).dispatchEvent('click', { detail: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await report.getByRole('status').isVisible()).toBe(true);
    await a.page.getByRole('region', { name: safety.mine.title }).getByText('Liam Scott').waitFor();
    await report.getByRole('button', { name: safety.report.done }).click();
    await report.waitFor({ state: 'detached' });
    await blocked.getByRole('button', { name: matching.blocked.unblock }).click();
    await blocked.getByText(matching.blocked.empty).waitFor();
  });

  it('blocking from the 1:1 header closes the chat for both at once: it stays readable, says why, and neither connection drops', async () => {
    // A and B are mates with a room since the first test; B, on a phone, has it open too.
    await a.page.goto('/mates');
    await a.page.getByRole('article', { name: 'Owen Brooks' }).getByRole('link', { name: matching.mates.chat }).click();
    await composer(a.page).waitFor();
    const roomPath = pathOf(a.page);
    await b.page.goto(roomPath);
    await composer(b.page).waitFor();
    let bSockets = 0;
    b.page.on('websocket', () => bSockets++);
    await a.page.getByRole('button', { name: chat.conversation.more }).click();
    await a.page.getByRole('button', { name: matching.card.block }).click();
    await a.page.getByRole('dialog').getByRole('button', { name: matching.card.block }).click();
    await a.page.getByTestId('contact-closed').getByText(matching.contact.blocked).waitFor();
    expect(await composer(a.page).count()).toBe(0);

    // B's open room closes live: readable, with the reason where the composer was.
    await b.page.getByTestId('contact-closed').getByText(matching.contact.blocked).waitFor();
    expect(await composer(b.page).count()).toBe(0);
    expect(await b.page.getByRole('button', { name: matching.card.block }).count()).toBe(0);

    // A's app, loaded afresh, keeps one connection although the room's other member is blocked
    // (the server refuses watching their presence without ending the connection).
    let aSockets = 0;
    a.page.on('websocket', () => aSockets++);
    await a.page.reload();
    await a.page.getByTestId('contact-closed').waitFor();
    await a.page.waitForTimeout(3_000);
    expect(aSockets).toBe(1);
    expect(bSockets).toBe(0);
    for (const page of [a.page, b.page]) expect(await page.getByText(chat.conversation.reconnecting).count()).toBe(0);
  });

  it("a mate's profile offers chat and booking instead of a request; unmatching asks first and takes them off the mates list", async () => {
    const stamp = Date.now();
    const third = await newPage(browser, 'phone');
    const ella = await onboardedUser(third.context, `ella.${stamp}@example.com`, 'Ella', 'en', 'Ella Moore');
    const sent = await third.context.request.post(`${baseUrl}/api/v1/matching/requests`, {
      data: { receiverId: hanaId, message: 'Hi!' },
      headers: ella.headers,
    });
    expect(sent.status(), await sent.text()).toBe(200);
    await third.page.goto(`/matching/people/${hanaId}`);
    // Not yet mates: a request (already sent) is offered, and no link to the page itself.
    await third.page.getByRole('button', { name: matching.card.request }).waitFor();
    expect(await third.page.getByRole('link', { name: matching.card.view }).count()).toBe(0);

    const { page } = a;
    await page.goto('/matching/requests');
    await page.getByRole('article', { name: 'Ella Moore' }).getByRole('button', { name: matching.requests.accept }).click();
    await until('A is taken to the new room', async () => /^\/chat\/[0-9a-f-]{36}$/.test(pathOf(page)));
    // The new mate shows under "Recent mates" on the home page (Owen, blocked in the test before, does not).
    await page.goto('/');
    await page.getByTestId('dashboard').getByRole('link', { name: 'Ella Moore' }).waitFor();
    expect(await page.getByTestId('dashboard').getByRole('link', { name: 'Owen Brooks' }).count()).toBe(0);
    await page.goto(`/matching/people/${ella.id}`);
    const card = page.getByRole('article', { name: 'Ella Moore' });
    await card.getByRole('link', { name: matching.mates.chat }).waitFor();
    await card.getByRole('link', { name: matching.mates.book }).waitFor();
    expect(await card.getByRole('button', { name: matching.card.request }).count()).toBe(0);
    await card.getByRole('button', { name: matching.mates.unmatch }).click();
    await page.getByRole('dialog').getByRole('button', { name: matching.mates.unmatch }).click();
    await onPath(page, '/matching');
    await page.goto('/mates');
    await page.getByRole('heading', { name: matching.mates.title }).waitFor();
    await until(
      'the mates list is read',
      async () => (await page.getByText(matching.mates.empty).count()) + (await page.getByRole('article').count()) > 0,
    );
    expect(await page.getByRole('article', { name: 'Ella Moore' }).count()).toBe(0);
    // Nor under "Recent mates": someone unmatched (or blocked) is no longer a mate.
    await page.goto('/');
    await page.getByTestId('dashboard').getByText(progress.noMates).waitFor();
    expect(await page.getByTestId('dashboard').getByRole('link', { name: 'Ella Moore' }).count()).toBe(0);
    await third.context.close();
  });
});
