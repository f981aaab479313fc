import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import type { RoomSummary } from '@studymate/contracts';
import ko from '../apps/web/src/i18n/ko.json';
import calls from '../apps/web/src/features/calls/i18n/ko.json';
import chat from '../apps/web/src/features/chat/i18n/ko.json';
import lt from '../apps/web/src/features/level-test/i18n/ko.json';
import { baseUrl, launchBrowser, newPage } from './support/browser';
import { onPath, pathOf, smallTapTargets, until } from './support/flow';
import { onboardedUser } from './support/accounts';

const resultsDir = path.resolve('test-results');
mkdirSync(resultsDir, { recursive: true });

/** What a newcomer meets first, outside the feature a spec of its own covers. */
describe('STUDYMATE on first use', () => {
  let browser: Browser;
  let mina: { context: BrowserContext; page: Page };
  let sam: { context: BrowserContext; page: Page };
  let minaAuth: Awaited<ReturnType<typeof onboardedUser>>;
  let samAuth: Awaited<ReturnType<typeof onboardedUser>>;
  /** Mina and Sam's 1:1 room, opened by the first test. */
  let roomId = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    mina = await newPage(browser, 'desktop');
    sam = await newPage(browser, 'phone');
    const stamp = Date.now();
    minaAuth = await onboardedUser(mina.context, `mina.first.${stamp}@example.com`, '김미나', 'ko');
    samAuth = await onboardedUser(sam.context, `sam.first.${stamp}@example.com`, 'Sam', 'en');
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50);
    for (const [who, side] of [
      ['mina', mina],
      ['sam', sam],
    ] as const)
      await side?.page.screenshot({ path: path.join(resultsDir, `failed-first-use-${who}-${name}.png`), fullPage: true }).catch(() => {});
  });

  afterAll(async () => {
    await mina?.context.close();
    await sam?.context.close();
    await browser?.close();
  });

  async function send(from: { context: BrowserContext }, headers: Record<string, string>, roomId: string, body: string) {
    const sent = await from.context.request.post(`${baseUrl}/api/v1/chat/rooms/${roomId}/messages`, {
      data: { clientId: `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, kind: 'text', body },
      headers,
    });
    expect(sent.ok(), await sent.text()).toBe(true);
  }

  it('shows unread messages on the Chat tab, the side navigation and the page title, away from chat', async () => {
    // Sam is on his profile, Mina on her home page: neither is looking at chat.
    await sam.page.goto('/profile');
    await sam.page.getByRole('navigation', { name: ko.nav.tabs }).waitFor();
    // Each page names itself in the tab, in the reader's language.
    expect(await sam.page.title()).toBe(`${ko.nav.profile} · STUDYMATE`);

    const opened = await mina.context.request.post(`${baseUrl}/api/v1/chat/rooms/direct`, {
      data: { partnerId: samAuth.id },
      headers: minaAuth.headers,
    });
    expect(opened.status(), await opened.text()).toBe(200);
    roomId = ((await opened.json()) as RoomSummary).id;
    // Mina opened the room on another device; her home page here learns of it when it loads.
    await mina.page.goto('/');
    await mina.page.getByRole('navigation', { name: ko.nav.main }).waitFor();
    await send(mina, minaAuth.headers, roomId, '안녕하세요!');
    await send(mina, minaAuth.headers, roomId, '주말에 시간 있어요?');

    const samsChatTab = sam.page.getByRole('navigation', { name: ko.nav.tabs }).getByRole('link', { name: new RegExp(ko.nav.chat) });
    await until(
      'the Chat tab to show 2 unread',
      async () =>
        (await samsChatTab
          .getByTestId('unread-badge')
          .textContent()
          .catch(() => null)) === '2',
    );
    await until('the title to count 2', async () => (await sam.page.title()) === `(2) ${ko.nav.profile} · STUDYMATE`);

    await send(sam, samAuth.headers, roomId, 'Hi Mina! Yes, Saturday works.');
    const minasChatLink = mina.page.getByRole('navigation', { name: ko.nav.main }).getByRole('link', { name: new RegExp(ko.nav.chat) });
    await until(
      'the side navigation to show 1 unread',
      async () =>
        (await minasChatLink
          .getByTestId('unread-badge')
          .textContent()
          .catch(() => null)) === '1',
    );
    expect(await mina.page.title()).toBe(`(1) ${ko.nav.home} · STUDYMATE`);

    // Sam opens the conversation from the tab: it fills the screen (no tab bar under the composer),
    // and once read the counts go away.
    await samsChatTab.tap();
    await onPath(sam.page, '/chat');
    await sam.page.getByRole('link', { name: /Mina Kim/ }).tap();
    await onPath(sam.page, `/chat/${roomId}`);
    await sam.page.getByText('주말에 시간 있어요?').waitFor();
    // This server has no translator (no TRANSLATION_API_URL): no Translate button that could only fail.
    expect(await sam.page.getByRole('button', { name: chat.message.translate }).count()).toBe(0);
    expect(await sam.page.getByRole('navigation', { name: ko.nav.tabs }).count(), 'the tab bar is hidden in a conversation').toBe(0);
    const composerBottom = await sam.page
      .getByRole('textbox')
      .last()
      .evaluate((el) => el.getBoundingClientRect().bottom);
    expect(composerBottom).toBeLessThanOrEqual(812);
    expect(composerBottom, 'the composer sits at the bottom of the screen').toBeGreaterThan(812 - 80);
    await until('the title to drop the count', async () => (await sam.page.title()) === `${ko.nav.chat} · STUDYMATE`);
    await sam.page.screenshot({ path: path.join(resultsDir, 'first-use-conversation-375.png') });
    await sam.page.goBack();
    await onPath(sam.page, '/chat');
    await sam.page.getByRole('navigation', { name: ko.nav.tabs }).waitFor();
    expect(await samsChatTab.getByTestId('unread-badge').count()).toBe(0);

    // Settings say why; what an operator sets up is for administrators, not members.
    await sam.page.goto('/settings');
    await sam.page.getByText(ko.settings.translation.off).waitFor();
    expect(await sam.page.getByText('TRANSLATION_API_URL').count()).toBe(0);
  });

  it('asks before leaving the level test with a recording not yet submitted, and keeps the recording on "stay"', async () => {
    const { page, context } = mina;
    await context.grantPermissions(['microphone'], { origin: baseUrl });
    await page.goto('/level-test');
    await page.getByRole('button', { name: lt.intro.start }).click();
    await until('the test page', async () => /^\/level-test\/[0-9a-f-]{36}$/.test(pathOf(page)));
    const testPath = pathOf(page);
    await page.getByRole('button', { name: lt.mic.allow }).click();
    await page.getByText(lt.mic.heard).waitFor();
    await page.getByRole('button', { name: lt.mic.ready }).click();
    await page.getByRole('button', { name: lt.prompt.startNow }).click();
    await page.getByTestId('phase-recording').waitFor();
    // The two bars of the recording screen say what they show.
    expect(await page.getByTestId('time-bar').textContent()).toBe(lt.prompt.timeUsed);
    expect(await page.getByTestId('level-bar').textContent()).toBe(lt.mic.level);
    await page.getByRole('progressbar', { name: lt.prompt.timeUsed }).waitFor();
    await page.getByRole('meter', { name: lt.mic.level }).waitFor();
    await page.waitForTimeout(2_000);

    // Mid-recording, the side navigation's Home link asks first; staying keeps what was recorded.
    const sideNav = page.getByRole('navigation', { name: ko.nav.main });
    await sideNav.getByRole('link', { name: ko.nav.home }).click();
    const dialog = page.getByRole('dialog', { name: lt.leave.title });
    await dialog.waitFor();
    expect(pathOf(page)).toBe(testPath);
    await dialog.getByRole('button', { name: ko.common.cancel }).click();
    await page.getByTestId('phase-review').waitFor();
    expect(await page.getByRole('button', { name: lt.prompt.submit }).isEnabled(), 'the 2 s recording is there to submit').toBe(true);
    expect(pathOf(page)).toBe(testPath);

    // Closing or reloading the tab is held up by the browser's own question.
    const held = await page.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
    expect(held, 'beforeunload is cancelled while a recording is unsent').toBe(true);

    // Leaving on purpose goes where the person asked.
    await sideNav.getByRole('link', { name: ko.nav.home }).click();
    await dialog.getByRole('button', { name: lt.leave.confirm }).click();
    await onPath(page, '/');
  });

  it('serves the app like production: precompressed, hashed assets cached for good, index.html revalidated, no public source maps', async () => {
    const visitor = await newPage(browser, 'phone');
    const responses: Response[] = [];
    visitor.page.on('response', (r) => responses.push(r));
    await visitor.page.goto('/signin');
    await visitor.page.getByLabel(ko.signin.dev.email).waitFor();

    const document = responses.find((r) => r.request().resourceType() === 'document')!;
    expect(document.headers()['cache-control']).toBe('no-cache');
    const script = responses.find((r) => /^\/assets\/index-[\w-]+\.js$/.test(new URL(r.url()).pathname));
    expect(script, 'the entry script').toBeTruthy();
    const headers = script!.headers();
    expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(['br', 'gzip']).toContain(headers['content-encoding']);
    expect(await script!.text()).not.toContain('sourceMappingURL');

    // Asked for brotli, the prebuilt brotli file; its map is not published.
    const br = await visitor.context.request.get(script!.url(), { headers: { 'accept-encoding': 'br' } });
    expect(br.headers()['content-encoding']).toBe('br');
    expect(br.headers()['vary']).toMatch(/accept-encoding/i);
    expect((await visitor.context.request.get(`${script!.url()}.map`)).status()).toBe(404);
    await visitor.context.close();
  });

  it('gives every control at least 44×44 px to tap on a phone, on every page', async () => {
    const small: Record<string, string[]> = {};
    const measure = async (page: Page, name: string) => {
      await page.waitForLoadState('networkidle').catch(() => {});
      const found = await smallTapTargets(page);
      if (found.length) small[name] = found;
    };
    // A newcomer: sign-in and terms.
    const visitor = await newPage(browser, 'phone');
    await visitor.page.goto('/signin');
    await visitor.page.getByLabel(ko.signin.dev.email).waitFor();
    await measure(visitor.page, '/signin');
    await visitor.page.getByLabel(ko.signin.dev.email).fill(`taps.${Date.now()}@example.com`);
    await visitor.page.getByLabel(ko.signin.dev.displayName).fill('탭');
    await visitor.page.getByRole('button', { name: ko.signin.dev.submit, exact: true }).tap();
    await onPath(visitor.page, '/terms');
    await measure(visitor.page, '/terms');
    // Both documents are one tap away, in a new tab so the ticked boxes stay, in either language.
    const [terms] = await Promise.all([
      visitor.context.waitForEvent('page'),
      visitor.page.getByRole('link', { name: ko.legal.read.terms }).tap(),
    ]);
    await terms.getByRole('heading', { name: '서비스 이용약관', level: 1 }).waitFor();
    await measure(terms, '/legal/terms');
    await terms.getByRole('button', { name: 'English', exact: true }).tap();
    await terms.getByRole('heading', { name: 'Terms of Service', level: 1 }).waitFor();
    await terms.close();
    await visitor.page.goto('/legal/privacy');
    await visitor.page.getByRole('heading', { name: 'Privacy Policy', level: 1 }).waitFor();
    await visitor.context.close();

    // Sam, onboarded, with a conversation: every page of the app.
    const { page } = sam;
    expect(roomId, 'needs the room from the first test').not.toBe('');
    const pages = [
      '/',
      '/chat',
      `/chat/${roomId}`,
      '/chat/files',
      '/chat/new-group',
      '/profile',
      '/settings',
      '/level-test',
      '/level-test/history',
      '/matching',
      '/sessions',
      '/schedule',
    ];
    for (const step of ['basic', 'languages', 'interests', 'partner', 'schedule']) pages.push(`/onboarding/${step}`);
    for (const path of pages) {
      await page.goto(path);
      await onPath(page, path);
      await measure(page, path);
    }
    // The message menu, open.
    await page.goto(`/chat/${roomId}`);
    const theirs = page.getByTestId('message').filter({ hasText: '주말에 시간 있어요?' });
    await theirs.getByRole('button', { name: chat.message.actions }).tap();
    await measure(page, 'message menu');
    // The "more" menu of the tab bar.
    await page.goto('/');
    await page.getByRole('navigation', { name: ko.nav.tabs }).getByRole('button', { name: ko.nav.more }).tap();
    await measure(page, 'more menu');
    expect(small).toEqual({});
  });

  it("says plainly when a page does not exist, names devices in the login history and time zones in the reader's language", async () => {
    const { page } = sam;
    await page.goto('/no-such-page');
    await page.getByRole('heading', { name: ko.notFound.title }).waitFor();
    expect(pathOf(page), 'no silent jump home').toBe('/no-such-page');
    expect(await page.title()).toBe(`${ko.notFound.title} · STUDYMATE`);
    await page.getByRole('link', { name: ko.notFound.home }).tap();
    await onPath(page, '/');

    // Made-up addresses, with an id nobody has or one that is not an id at all: "not found", with a way back.
    for (const id of [randomUUID(), 'abc']) {
      await page.goto(`/calls/${id}/rate`);
      const outcome = page.getByTestId('call-outcome');
      await outcome.getByText(calls.errors.notFound).waitFor();
      await outcome.getByRole('link', { name: calls.rate.skip }).waitFor();
      await page.goto(`/matching/people/${id}`);
      await page.getByText(ko.errors.NOT_FOUND).waitFor();
      expect(await page.getByText(ko.errors.VALIDATION_FAILED).count(), id).toBe(0);
    }

    await page.goto('/settings');
    const device = page.getByTestId('login-device').first();
    await device.waitFor();
    // Headless Chromium on Linux, said the way a person would.
    expect(await device.textContent()).toBe(ko.settings.device.replace('{{system}}', 'Linux').replace('{{browser}}', 'Chrome'));

    await page.goto('/profile');
    const city = page.getByTestId('profile-city');
    await city.waitFor();
    expect(await city.textContent()).not.toContain('Asia/Seoul');
    expect(await city.textContent()).toContain('한국 표준시');
  });
  it("opens the partner's profile from their name and photo in a conversation", async () => {
    const opened = await sam.context.request.post(`${baseUrl}/api/v1/chat/rooms/direct`, {
      data: { partnerId: minaAuth.id },
      headers: samAuth.headers,
    });
    expect(opened.status(), await opened.text()).toBe(200);
    const room = ((await opened.json()) as RoomSummary).id;
    const { page } = sam;
    await page.goto(`/chat/${room}`);
    const link = page.getByTestId('partner-profile-link');
    await link.getByRole('heading', { name: 'Mina Kim' }).waitFor();
    await link.tap();
    await onPath(page, `/matching/people/${minaAuth.id}`);
    await page.getByText('STUDYMATE 채팅 테스트용 프로필입니다.').waitFor();
  });

  it('helps a learner: romanisation under Korean toggled per room, and "listen" only where a voice exists', async () => {
    const opened = await mina.context.request.post(`${baseUrl}/api/v1/chat/rooms/direct`, {
      data: { partnerId: samAuth.id },
      headers: minaAuth.headers,
    });
    const room = ((await opened.json()) as RoomSummary).id;
    await send(mina, minaAuth.headers, room, '주말에 시간 있어요?');
    const { page } = sam;
    await page.goto(`/chat/${room}`);
    const message = page.getByTestId('message').filter({ hasText: '주말에 시간 있어요?' }).last();
    await message.waitFor();
    // Headless Chromium has no voices: no button that could only do nothing.
    if ((await page.evaluate(() => speechSynthesis.getVoices().length)) === 0)
      expect(await message.getByRole('button', { name: chat.learner.listen }).count()).toBe(0);

    // Sam learns Korean: the switch is his, per room, and survives a reload.
    // The switch sits in the header's "more" menu (a phone's header has no room for it).
    const more = page.getByRole('button', { name: chat.conversation.more });
    await more.tap();
    const toggle = page.getByRole('button', { name: chat.learner.romanize });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await message.getByTestId('romanization').count()).toBe(0);
    await toggle.tap();
    expect(await message.getByTestId('romanization').textContent()).toBe('jumare sigan isseoyo?');
    await page.reload();
    await message.getByTestId('romanization').waitFor();
    await more.tap();
    expect(await page.getByRole('button', { name: chat.learner.romanize }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: chat.learner.romanize }).tap();
    expect(await message.getByTestId('romanization').count()).toBe(0);
    // Mina learns English: no switch for her.
    await mina.page.goto(`/chat/${room}`);
    await mina.page.getByTestId('message').first().waitFor();
    expect(await mina.page.getByRole('button', { name: chat.learner.romanize }).count()).toBe(0);

    // With a Korean voice installed (the browser's voices, provided here), the message is read in Korean.
    await sam.context.addInitScript(() => {
      const spoken: { text: string; lang: string }[] = [];
      Object.assign(window, { spoken });
      const voice = { lang: 'ko-KR', name: 'Korean', voiceURI: 'ko', default: true, localService: true };
      class Utterance {
        voice: unknown = null;
        lang = '';
        rate = 1;
        constructor(public text: string) {}
      }
      Object.assign(window, { SpeechSynthesisUtterance: Utterance });
      speechSynthesis.getVoices = () => [voice as SpeechSynthesisVoice];
      speechSynthesis.speak = (u: SpeechSynthesisUtterance) => void spoken.push({ text: u.text, lang: u.lang });
    });
    await page.reload();
    await message.getByRole('button', { name: chat.learner.listen }).tap();
    expect(await page.evaluate(() => (window as unknown as { spoken: unknown[] }).spoken)).toEqual([
      { text: '주말에 시간 있어요?', lang: 'ko-KR' },
    ]);
    // An English message has no English voice here: no button on it.
    await send(mina, minaAuth.headers, room, 'See you on Saturday');
    const english = page.getByTestId('message').filter({ hasText: 'See you on Saturday' });
    await english.waitFor();
    expect(await english.getByRole('button', { name: chat.learner.listen }).count()).toBe(0);
  });

  it('offers "other" for a city not listed, with a time-zone picker whose choice is kept', async () => {
    const { page } = sam;
    await page.goto('/onboarding/basic');
    const city = page.getByLabel(ko.basic.city);
    await city.selectOption('other');
    const zone = page.getByLabel(ko.basic.timeZone, { exact: true });
    await zone.selectOption('Africa/Nairobi');
    const [saved] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/onboarding/basic') && r.request().method() === 'PUT'),
      page.getByRole('button', { name: ko.onboarding.saveNext }).tap(),
    ]);
    expect(saved.status(), await saved.text()).toBe(200);
    const me = await sam.context.request.get(`${baseUrl}/api/v1/me`, { headers: samAuth.headers });
    expect(await me.json()).toMatchObject({ timeZone: 'Africa/Nairobi', basic: { cityId: 'other' } });
    // A listed city brings its own zone back.
    await page.goto('/onboarding/basic');
    expect(await page.getByLabel(ko.basic.timeZone, { exact: true }).inputValue()).toBe('Africa/Nairobi');
    await page.getByLabel(ko.basic.city).selectOption('seoul');
    expect(await page.getByLabel(ko.basic.timeZone, { exact: true }).inputValue()).toBe('Asia/Seoul');
  });

  it('clears a validation message as soon as the field is fixed, before saving again', async () => {
    const { page } = sam;
    await page.goto('/onboarding/interests');
    const topics = page.getByRole('group', { name: ko.interests.topics });
    await topics.getByRole('checkbox').first().waitFor();
    for (const box of await topics.getByRole('checkbox', { checked: true }).all()) await box.uncheck();
    await page.getByRole('button', { name: ko.onboarding.saveNext }).tap();
    await until('the topics to be marked invalid', async () => (await topics.getAttribute('aria-invalid')) === 'true');
    await topics.getByRole('checkbox').first().check();
    await until('the message to go once a topic is chosen', async () => (await topics.getAttribute('aria-invalid')) === null);
  });

  it('keeps a partner who deleted their account as "deleted user" and closes the 1:1 with a notice instead of the composer', async () => {
    const leaver = await newPage(browser, 'desktop');
    try {
      const leaverAuth = await onboardedUser(leaver.context, `leaver.${Date.now()}@example.com`, '떠나는사람', 'en', 'Leo Park');
      const opened = await mina.context.request.post(`${baseUrl}/api/v1/chat/rooms/direct`, {
        data: { partnerId: leaverAuth.id },
        headers: minaAuth.headers,
      });
      expect(opened.status(), await opened.text()).toBe(200);
      const room = ((await opened.json()) as RoomSummary).id;
      await send(leaver, leaverAuth.headers, room, 'It was nice talking to you');
      const gone = await leaver.context.request.delete(`${baseUrl}/api/v1/me`, {
        headers: { ...leaverAuth.headers, 'X-Requested-With': 'studymate' },
      });
      expect(gone.status(), await gone.text()).toBe(204);

      const { page } = mina;
      await page.goto(`/chat/${room}`);
      await page.getByRole('heading', { name: ko.common.deletedUser }).waitFor();
      await page.getByTestId('message').filter({ hasText: 'It was nice talking to you' }).waitFor();
      await page.getByTestId('conversation-closed').getByText(chat.conversation.closedDeleted).waitFor();
      expect(await page.getByRole('textbox', { name: chat.composer.label }).count(), 'no composer').toBe(0);
      // The room list keeps the conversation under the same name, not "Untitled conversation".
      await page.goto('/chat');
      await page
        .getByRole('link', { name: new RegExp(ko.common.deletedUser) })
        .first()
        .waitFor();
      expect(await page.getByText(chat.rooms.unnamed).count()).toBe(0);
    } finally {
      await leaver.context.close();
    }
  });
});
