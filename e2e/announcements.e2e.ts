import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import admin from '../apps/web/src/features/admin/i18n/ko.json';
import ko from '../apps/web/src/i18n/ko.json';
import { administrator, onboardedUser } from './support/accounts';
import { launchBrowser, newPage } from './support/browser';
import { bell, bellCount, onPath, smallTapTargets, until } from './support/flow';

/**
 * An administrator on a phone writes a system notice in Korean and English on the announcements
 * page, sends it to a list of people after confirming, and sees how many were notified; the
 * person listed sees their bell rise without a reload. Mistakes are named before anything is sent.
 */
describe('STUDYMATE administrators: announcements page', () => {
  let browser: Browser;
  let boss: { context: BrowserContext; page: Page };
  let mina: { context: BrowserContext; page: Page };
  let minaId = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    boss = await newPage(browser, 'phone');
    mina = await newPage(browser, 'desktop');
    minaId = (await onboardedUser(mina.context, `announce-mina-${Date.now()}@example.test`, '민아', 'ko')).id;

    await administrator(boss.context);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('names mistakes before sending, confirms, reports how many were notified, and the listed person’s bell rises live', async () => {
    await mina.page.goto('/');
    await bell(mina.page).waitFor();
    const before = await bellCount(mina.page);

    const page = boss.page;
    await page.goto('/');
    // On a phone the administrators' pages are in the "more" menu.
    await page.getByRole('navigation', { name: ko.nav.tabs }).getByRole('button', { name: ko.nav.more }).tap();
    await page.getByRole('navigation', { name: ko.nav.more }).getByRole('link', { name: ko.nav.admin }).tap();
    await onPath(page, '/admin');
    await page.getByRole('link', { name: admin.tabs.announcements }).tap();
    await onPath(page, '/admin/announcements');
    await page.getByLabel(admin.announce.ids).waitFor();
    expect(await smallTapTargets(page)).toEqual([]);

    // A pasted entry that is no account id, and a missing English title, are named; nothing is sent.
    await page.getByLabel(admin.announce.ids).fill(`${minaId}\nnot-an-id`);
    await page.getByLabel(admin.announce.titleKo).fill('서비스 점검 안내');
    await page.getByRole('button', { name: admin.announce.review }).tap();
    await page.getByText(admin.announce.invalidIds.replace('{{ids}}', 'not-an-id')).waitFor();
    await page.getByText(admin.announce.required).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);

    await page.getByLabel(admin.announce.ids).fill(minaId);
    await page.getByLabel(admin.announce.titleEn).fill('Scheduled maintenance');
    await page.getByLabel(admin.announce.bodyKo).fill('오늘 밤 10시에 점검합니다.');
    await page.getByLabel(admin.announce.bodyEn).fill('We will be down at 10 pm.');
    await page.getByRole('button', { name: admin.announce.review }).tap();
    const dialog = page.getByRole('dialog', { name: admin.announce.confirmTitle });
    await dialog.getByText(admin.announce.toList_other.replace('{{count}}', '1')).waitFor();
    await dialog.getByRole('button', { name: admin.announce.send, exact: true }).tap();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByTestId('announce-result')
      .getByText(admin.announce.result.replace('{{recipients}}', '1').replace('{{stored}}', '1'))
      .waitFor();

    await until('Mina’s bell rises', async () => (await bellCount(mina.page)) === before + 1);
  });

  it('settings tell an administrator what the operator sets to turn translation on; a member only that it is off', async () => {
    await boss.page.goto('/settings');
    await boss.page.getByText(ko.settings.translation.off).waitFor();
    await boss.page.getByText('TRANSLATION_API_URL').waitFor();
    await mina.page.goto('/settings');
    await mina.page.getByText(ko.settings.translation.off).waitFor();
    expect(await mina.page.getByText('TRANSLATION_API_URL').count()).toBe(0);
  });

  it('tells a person who is not an administrator that the page is not for them', async () => {
    await mina.page.goto('/admin/announcements');
    await mina.page.getByText(admin.notAdmin).waitFor();
    expect(await mina.page.getByLabel(admin.announce.ids).count()).toBe(0);
  });
});
