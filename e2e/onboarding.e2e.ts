import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
// The UI's own strings, so the spec follows wording changes but still fails when a screen is wrong.
import ko from '../apps/web/src/i18n/ko.json';
import en from '../apps/web/src/i18n/en.json';
import { onboardedUser } from './support/accounts';
import { launchBrowser, newPage } from './support/browser';
import { gradientPng } from './support/png';
import { chooseInterests, choosePartner, imageLoaded, onPath, pathOf, saveAndContinue, until } from './support/flow';

const resultsDir = path.resolve('test-results');
mkdirSync(resultsDir, { recursive: true });

describe('a new STUDYMATE user in the browser', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = `minji.${Date.now()}@example.com`;
  const displayName = '김민지';
  // The later tests continue as the user the first one onboarded.
  let onboarded = false;
  const needsOnboardedUser = () => expect(onboarded, 'needs the user onboarded by the first test').toBe(true);

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ context, page } = await newPage(browser));
  });

  // Keep what the browser showed when a step failed.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) {
      const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      await page.screenshot({ path: path.join(resultsDir, `failed-${name}.png`), fullPage: true }).catch(() => {});
    }
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('signs in, accepts the terms, completes the five onboarding steps with a photo, and sees the profile after a reload', async () => {
    await page.goto('/');
    await onPath(page, '/signin');
    await page.getByRole('heading', { name: ko.signin.title }).waitFor();

    await page.getByLabel(ko.signin.dev.email).fill(email);
    await page.getByLabel(ko.signin.dev.displayName).fill(displayName);
    await page.getByRole('button', { name: ko.signin.dev.submit, exact: true }).click();

    // Terms: the three required boxes gate the button; marketing stays optional.
    await onPath(page, '/terms');
    const accept = page.getByRole('button', { name: ko.terms.accept });
    expect(await accept.isDisabled()).toBe(true);
    await page.getByLabel(ko.terms.ageOver14).check();
    await page.getByLabel(ko.terms.termsOfService).check();
    expect(await accept.isDisabled()).toBe(true);
    await page.getByLabel(ko.terms.privacyPolicy).check();
    await accept.click();

    // Step 1: basic info. An empty save is refused on the client, next to the field.
    await onPath(page, '/onboarding/basic');
    await page.getByText(ko.onboarding.stepOf.replace('{{total}}', '5').replace('{{n}}', '1')).waitFor();
    await page.getByRole('button', { name: ko.onboarding.saveNext }).click();
    await page.getByText(ko.validation.englishName).waitFor();
    await page.getByText(ko.validation.intro).waitFor();
    expect(pathOf(page)).toBe('/onboarding/basic');

    await page.getByLabel(ko.photo.chooseFile).setInputFiles({ name: 'minji.png', mimeType: 'image/png', buffer: gradientPng() });
    const preview = page.getByRole('img', { name: ko.photo.preview });
    await preview.waitFor();
    await until('the uploaded photo to load', () => imageLoaded(preview));
    const uploadedSrc = await preview.getAttribute('src');
    expect(uploadedSrc).toBeTruthy();

    await page.getByLabel(ko.basic.englishName).fill('Minji Kim');
    // The fixed field's message goes away at once; the one still to fix stays.
    await page.getByText(ko.validation.englishName).waitFor({ state: 'detached' });
    expect(await page.getByText(ko.validation.intro).count()).toBe(1);
    await page.getByLabel(ko.basic.city).selectOption('busan');
    await page.getByLabel(ko.basic.intro).fill('부산에 사는 디자이너예요. 영어로 여행 이야기를 나누고 싶어요.');
    await page.getByLabel(ko.basic.gender).selectOption('female');
    await page.getByLabel(ko.basic.birthYear).fill('1996');
    await page.getByRole('button', { name: ko.onboarding.saveNext }).click();

    // Step 2: languages. A native language is never offered to learn: switching it to English
    // (the language being learned) turns the learned one into Korean, and back.
    await onPath(page, '/onboarding/languages');
    const learning = page.getByLabel(ko.languages.learnLanguage.replace('{{n}}', '1'));
    const offered = () => learning.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    await page.getByLabel(ko.languages.native, { exact: true }).selectOption('en');
    expect(await learning.inputValue()).toBe('ko');
    expect(await offered()).not.toContain('en');
    await page.getByLabel(ko.languages.native, { exact: true }).selectOption('ko');
    expect(await learning.inputValue()).toBe('en');
    expect(await offered()).not.toContain('ko');
    await page.getByLabel(ko.languages.myLevelFor.replace('{{name}}', '영어')).selectOption('B1');
    await page.getByRole('button', { name: `+ ${ko.languages.addSpeak}` }).click();
    await page.getByLabel(ko.languages.speakLanguage.replace('{{n}}', '1')).selectOption('ja');
    await page.getByLabel(ko.languages.myLevelFor.replace('{{name}}', '일본어')).selectOption('A2');
    await page.getByRole('button', { name: ko.onboarding.saveNext }).click();

    // Steps 3 and 4: motivation and interests, partner preferences.
    await onPath(page, '/onboarding/interests');
    await chooseInterests(page);
    await saveAndContinue(page, 'partner');
    await choosePartner(page);
    await saveAndContinue(page, 'schedule');

    // Step 5: schedule. Drag across Monday-Thursday 19:00, then tap two Saturday slots.
    await page.getByRole('radio', { name: '영상' }).check();
    await page.getByRole('radio', { name: '20분' }).check();
    const cell = (name: string) => page.getByRole('button', { name, exact: true });
    // The week opens at 07:00: that row sits right under the day names, the rows above scrolled away.
    const firstRowShown = await cell('월 07:00').evaluate((el) => {
      const scroller = el.closest('[role="group"]')!;
      const header = scroller.querySelector('[data-header]')!.getBoundingClientRect();
      return el.getBoundingClientRect().top - header.bottom;
    });
    expect(Math.abs(firstRowShown), 'the 07:00 row is the first below the day names').toBeLessThan(4);
    await cell('월 19:00').scrollIntoViewIfNeeded();
    const from = (await cell('월 19:00').boundingBox())!;
    const to = (await cell('목 19:00').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await page.mouse.up();
    await cell('토 10:00').click();
    await cell('토 10:30').click();
    for (const name of ['월 19:00', '화 19:00', '수 19:00', '목 19:00', '토 10:00', '토 10:30']) {
      expect(await cell(name).getAttribute('aria-pressed'), name).toBe('true');
    }
    expect(await cell('금 19:00').getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByTestId('availability-summary').textContent()).toBe('6칸 선택됨 (주 3시간)');
    await page.screenshot({ path: path.join(resultsDir, 'schedule-desktop.png') });
    await page.getByRole('button', { name: ko.onboarding.finish }).click();

    await onPath(page, '/onboarding/done');
    await page.getByRole('heading', { name: ko.onboarding.done.title }).waitFor();
    expect(await page.getByRole('link', { name: ko.onboarding.done.takeTest }).getAttribute('href')).toBe('/level-test');

    // A reload keeps the session (refresh cookie) and the profile shows what was saved.
    await page.goto('/profile');
    await page.getByRole('heading', { name: displayName, level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: displayName, level: 1 }).waitFor();
    expect(pathOf(page)).toBe('/profile');
    await page.getByText('Minji Kim', { exact: true }).first().waitFor();
    // The English name is the one other people see, and the page says so.
    await page.getByText(ko.profile.seenAs.replace('{{name}}', 'Minji Kim')).waitFor();
    expect(await page.getByTestId('profile-city').textContent()).toBe('부산 · 한국 표준시'); // the zone in the reader's words, not Asia/Seoul
    const photo = page.getByRole('img', { name: `${displayName}님의 프로필 사진` });
    await until('the profile photo to load', () => imageLoaded(photo));
    expect(await photo.getAttribute('src')).toBe(uploadedSrc);
    await page.getByText('월 19:00–19:30').waitFor();
    await page.getByText('토 10:00–11:00').waitFor();

    await page.screenshot({ path: path.join(resultsDir, 'profile-desktop.png') });
    // How it looks on a phone.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(resultsDir, 'profile-375.png') });
    await page.screenshot({ path: path.join(resultsDir, 'profile-375-full.png'), fullPage: true });
    onboarded = true;
  });

  it('does not offer the level test at the end of onboarding to a native English speaker, who cannot take it', async () => {
    const sam = await newPage(browser);
    try {
      await onboardedUser(sam.context, `sam.${Date.now()}@example.com`, 'Sam', 'en');
      await sam.page.goto('/onboarding/done');
      await sam.page.getByRole('heading', { name: ko.onboarding.done.title }).waitFor();
      await sam.page.getByText(ko.onboarding.done.bodyNoTest).waitFor();
      expect(await sam.page.getByRole('link', { name: ko.onboarding.done.takeTest }).count()).toBe(0);
      expect(await sam.page.getByRole('link', { name: ko.onboarding.done.start }).getAttribute('href')).toBe('/');
    } finally {
      await sam.context.close();
    }
  });

  it('replaces the photo with a webcam capture', async () => {
    needsOnboardedUser();
    await onPath(page, '/profile');
    const photo = page.getByRole('img', { name: `${displayName}님의 프로필 사진` });
    const before = await photo.getAttribute('src');
    await page.getByText(ko.profile.changePhoto).click();
    await page.getByRole('button', { name: ko.photo.useCamera }).click();
    const capture = page.getByRole('button', { name: ko.photo.capture });
    await until('the camera preview', async () => capture.isEnabled());
    await capture.click();
    await until('the new photo', async () => (await photo.getAttribute('src')) !== before);
    await until('the new photo to load', () => imageLoaded(photo));
  });

  it('edits a profile section with the same form and shows the saved values', async () => {
    needsOnboardedUser();
    await onPath(page, '/profile');
    const section = page.getByRole('region', { name: ko.onboarding.steps.partner });
    await section.getByRole('button', { name: ko.profile.editSection.replace('{{section}}', ko.onboarding.steps.partner) }).click();
    await section.getByLabel(ko.partner.ageMax).fill('19');
    await section.getByRole('button', { name: ko.common.save }).click();
    await section.getByText(ko.validation.ageOrder).waitFor();
    await section.getByLabel(ko.partner.ageMax).fill('40');
    await section.getByRole('button', { name: ko.common.save }).click();
    await section.getByText('20~40세').waitFor();
    expect(await section.getByRole('button', { name: ko.common.save }).count()).toBe(0);
  });

  it('switches the UI to English and back, and remembers the choice across a reload', async () => {
    needsOnboardedUser();
    await page.goto('/profile');
    await page.getByRole('heading', { name: ko.onboarding.steps.basic }).waitFor();
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await page.getByRole('heading', { name: en.onboarding.steps.basic }).waitFor();
    expect(await page.getByRole('heading', { name: ko.onboarding.steps.basic }).count()).toBe(0);
    expect(await page.getByTestId('profile-city').textContent()).toMatch(/^Busan · Korean/);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    await page.reload();
    await page.getByRole('heading', { name: en.onboarding.steps.basic }).waitFor();
    // An area behind "More": statistics, in the language chosen.
    await page.getByRole('navigation', { name: en.nav.tabs }).getByRole('button', { name: en.nav.more }).click();
    await page.getByRole('navigation', { name: en.nav.more }).getByRole('link', { name: en.nav.statistics }).click();
    await onPath(page, '/statistics');
    await page.getByRole('heading', { name: en.nav.statistics, level: 1 }).waitFor();

    await page.getByRole('button', { name: '한국어', exact: true }).click();
    await page.getByRole('heading', { name: ko.nav.statistics, level: 1 }).waitFor();
    expect(await page.getByRole('heading', { name: ko.nav.statistics, level: 1 }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ko');
    await page.screenshot({ path: path.join(resultsDir, 'statistics-375.png') });
  });

  it('stays signed in across two tabs, renewing the session in one tab at a time', async () => {
    needsOnboardedUser();
    // Both tabs restore the session from the same refresh cookie, and the server treats a second
    // use of a rotated token as theft; so a renewal waits while another tab is renewing.
    const other = await context.newPage();
    await Promise.all([page.goto('/profile'), other.goto('/profile')]);
    for (const tab of [page, other]) await tab.getByRole('heading', { name: displayName, level: 1 }).waitFor();

    await other.evaluate(
      () =>
        new Promise<void>((acquired) => {
          void navigator.locks.request('studymate.refresh', () => {
            acquired();
            return new Promise((release) => setTimeout(release, 1500));
          });
        }),
    );
    const heldSince = Date.now();
    const renewalSent = page.waitForRequest('**/api/v1/auth/refresh').then(() => Date.now() - heldSince);
    await page.reload();
    expect(await renewalSent, 'ms before the renewal was sent').toBeGreaterThanOrEqual(1400);
    await page.getByRole('heading', { name: displayName, level: 1 }).waitFor();
    await other.close();
  });

  it('does not sign the user out when the session cannot be checked for a moment', async () => {
    needsOnboardedUser();
    const busy = {
      status: 429,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'slow down' } }),
    };
    await page.route('**/api/v1/auth/refresh', (route) => route.fulfill(busy));
    await page.goto('/profile');
    await page.getByRole('heading', { name: ko.session.unavailableTitle }).waitFor();
    expect(pathOf(page)).toBe('/profile');
    await page.unroute('**/api/v1/auth/refresh');
    await page.getByRole('button', { name: ko.common.retry }).click();
    await page.getByRole('heading', { name: displayName, level: 1 }).waitFor();
  });

  it('renews an expired access token once and retries; sends the user to sign-in when renewal fails', async () => {
    needsOnboardedUser();
    await page.goto('/achievements');
    await page.getByRole('heading', { name: ko.nav.achievements, level: 1 }).waitFor();
    let refreshes = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/auth/refresh') refreshes++;
    });
    const expired = {
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'TOKEN_EXPIRED', message: 'expired' } }),
    };
    const openProfile = async () => {
      await page.getByRole('navigation', { name: ko.nav.tabs }).getByRole('button', { name: ko.nav.more }).click();
      await page.getByRole('navigation', { name: ko.nav.more }).getByRole('link', { name: ko.nav.profile }).click();
    };

    // The server says the access token expired once: the app renews it and retries GET /me.
    let rejected = 0;
    await page.route('**/api/v1/me', (route) => (rejected++ === 0 ? route.fulfill(expired) : route.fallback()));
    await openProfile();
    await page.getByRole('heading', { name: displayName, level: 1 }).waitFor();
    expect(rejected, 'GET /me was retried after the 401').toBeGreaterThanOrEqual(2);
    expect(refreshes, 'one renewal, however many requests failed').toBe(1);
    await page.unroute('**/api/v1/me');

    // Renewal refused as well: the user lands on sign-in instead of a broken page.
    await page.getByRole('navigation', { name: ko.nav.tabs }).getByRole('link', { name: ko.nav.home }).click();
    await page.route('**/api/v1/me', (route) => route.fulfill(expired));
    await page.route('**/api/v1/auth/refresh', (route) => route.fulfill(expired));
    await openProfile();
    await onPath(page, '/signin');
    await page.getByLabel(ko.signin.dev.email).waitFor();
    await page.unrouteAll();
  });
});
