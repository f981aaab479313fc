import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import ko from '../apps/web/src/i18n/ko.json';
import en from '../apps/web/src/i18n/en.json';
import { launchBrowser, newPage } from './support/browser';
import { chooseInterests, choosePartner, horizontalOverflow, onPath, pathOf, saveAndContinue, signUp, until } from './support/flow';

const resultsDir = path.resolve('test-results');
mkdirSync(resultsDir, { recursive: true });

describe('STUDYMATE on a 375 px phone', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = `jun.${Date.now()}@example.com`;
  let onboarded = false;

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ context, page } = await newPage(browser, 'phone'));
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) {
      const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      await page.screenshot({ path: path.join(resultsDir, `failed-phone-${name}.png`), fullPage: true }).catch(() => {});
    }
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  async function fitsTheScreen(name: string) {
    expect(await horizontalOverflow(page), `${name} scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(resultsDir, `phone-${name}.png`) });
  }

  it('completes onboarding without sideways scrolling, picking times one day at a time', async () => {
    await signUp(page, email, '이준');
    await page.getByLabel(ko.basic.englishName).waitFor();
    await fitsTheScreen('basic');
    await page.getByLabel(ko.basic.englishName).fill('Jun Lee');
    await page.getByLabel(ko.basic.intro).fill('주말마다 영어로 이야기할 친구를 찾고 있어요.');
    await saveAndContinue(page, 'languages');
    await page.getByLabel(ko.languages.native, { exact: true }).waitFor();
    await fitsTheScreen('languages');
    await saveAndContinue(page, 'interests'); // Korean native, learning English: the defaults
    await chooseInterests(page);
    await fitsTheScreen('interests'); // the chips have rendered: chooseInterests clicked them
    await saveAndContinue(page, 'partner');
    await choosePartner(page);
    await saveAndContinue(page, 'schedule');

    await page.getByRole('radio', { name: '음성' }).check();
    await page.getByRole('radio', { name: '10분' }).check();
    // The phone shows one day: choose Wednesday, tap two evening slots, then one Friday morning slot.
    await page.getByRole('button', { name: '수', exact: true }).tap();
    await page.getByRole('button', { name: '수 20:00', exact: true }).tap();
    await page.getByRole('button', { name: '수 20:30', exact: true }).tap();
    await page.getByRole('button', { name: '금', exact: true }).tap();
    await page.getByRole('button', { name: '금 07:00', exact: true }).tap();
    expect(await page.getByRole('button', { name: '금 07:00', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('availability-summary').textContent()).toBe('3칸 선택됨 (주 1.5시간)');
    await fitsTheScreen('schedule');
    await page.getByRole('button', { name: ko.onboarding.finish }).click();
    await onPath(page, '/onboarding/done');
    await page.getByRole('heading', { name: ko.onboarding.done.title }).waitFor();
    await fitsTheScreen('done');
    onboarded = true;
  });

  it('logs out, comes back straight to home, exports the data and deletes the account', async () => {
    expect(onboarded, 'needs the user onboarded by the first test').toBe(true);
    const openSettings = async () => {
      await page.getByRole('navigation', { name: ko.nav.tabs }).getByRole('button', { name: ko.nav.more }).tap();
      await page.getByRole('navigation', { name: ko.nav.more }).getByRole('link', { name: ko.nav.settings }).tap();
      await onPath(page, '/settings');
    };
    await page.goto('/');
    await page.getByRole('heading', { name: ko.home.greeting.replace('{{name}}', '이준') }).waitFor();
    await openSettings();
    await page.getByRole('button', { name: ko.settings.logout, exact: true }).tap();
    await onPath(page, '/signin');

    // A returning user who finished onboarding lands on home, not on the terms or a step.
    await page.getByLabel(ko.signin.dev.email).fill(email);
    await page.getByLabel(ko.signin.dev.displayName).fill('이준');
    await page.getByRole('button', { name: ko.signin.dev.submit, exact: true }).tap();
    await onPath(page, '/');
    await page.getByRole('heading', { name: ko.home.greeting.replace('{{name}}', '이준') }).waitFor();

    // "Log out everywhere" asks first; once confirmed, the sign-in page says what happened.
    await openSettings();
    await page.getByRole('button', { name: ko.settings.logoutAll, exact: true }).tap();
    const confirm = page.getByRole('dialog', { name: ko.settings.logoutAllConfirmTitle });
    await confirm.getByRole('button', { name: ko.common.cancel }).tap();
    await confirm.waitFor({ state: 'detached' });
    expect(pathOf(page), 'cancel keeps the person signed in').toBe('/settings');
    await page.getByRole('button', { name: ko.settings.logoutAll, exact: true }).tap();
    await confirm.getByRole('button', { name: ko.settings.logoutAll }).tap();
    await onPath(page, '/signin');
    await page.getByRole('status').getByText(ko.signin.farewell.everywhere).waitFor();
    await page.getByLabel(ko.signin.dev.email).fill(email);
    await page.getByLabel(ko.signin.dev.displayName).fill('이준');
    await page.getByRole('button', { name: ko.signin.dev.submit, exact: true }).tap();
    await onPath(page, '/');

    await openSettings();
    await until('login history to list every sign-in', async () => (await page.locator('time').count()) >= 3);
    await fitsTheScreen('settings');

    // The export is prepared as a job on the server; the page follows its progress, then offers it.
    await page.getByRole('button', { name: ko.settings.exportPrepare }).tap();
    const downloadButton = page.getByRole('button', { name: ko.settings.exportDownload });
    await downloadButton.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('data-export').getByRole('status').textContent()).toMatch(/데이터가 준비됐어요\. .+까지/);
    const [download] = await Promise.all([page.waitForEvent('download'), downloadButton.click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(JSON.stringify(exported)).toContain(email);
    expect(JSON.stringify(exported)).toContain('Jun Lee');

    await page.getByRole('button', { name: ko.settings.delete, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: ko.settings.deleteConfirmTitle });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: ko.settings.deleteConfirm }).click();
    await onPath(page, '/signin');
    await page.getByRole('status').getByText(ko.signin.farewell.deleted).waitFor();
    // The session is gone on the server too: a reload does not sign back in.
    await page.reload();
    await page.getByLabel(ko.signin.dev.email).waitFor();
    await page.goto('/profile');
    await onPath(page, '/signin');
  });

  it('explains a failed Naver or Google sign-in in the chosen language', async () => {
    // A visitor who is not signed in: a context of its own.
    const visitor = await newPage(browser, 'phone');
    await visitor.page.goto('/signin?error=OAUTH_DENIED');
    await visitor.page.getByText(ko.errors.OAUTH_DENIED).waitFor();
    await visitor.page.getByRole('button', { name: 'English', exact: true }).tap();
    await visitor.page.getByText(en.errors.OAUTH_DENIED).waitFor();
    await visitor.context.close();
  });
});
