import type { Locator, Page } from 'playwright-core';
import ko from '../../apps/web/src/i18n/ko.json';

/** Polls until the condition holds; Playwright's auto-wait covers elements, this covers values. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const pathOf = (page: Page) => new URL(page.url()).pathname;

export const onPath = (page: Page, expected: string) => until(`path ${expected} (at ${page.url()})`, async () => pathOf(page) === expected);

export const imageLoaded = (img: Locator) =>
  img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0);

/** Dev sign-in and the three required consents; ends on the first onboarding step. */
export async function signUp(page: Page, email: string, displayName: string): Promise<void> {
  await page.goto('/');
  await onPath(page, '/signin');
  await page.getByLabel(ko.signin.dev.email).fill(email);
  await page.getByLabel(ko.signin.dev.displayName).fill(displayName);
  await page.getByRole('button', { name: ko.signin.dev.submit, exact: true }).click();
  await onPath(page, '/terms');
  await page.getByLabel(ko.terms.ageOver14).check();
  await page.getByLabel(ko.terms.termsOfService).check();
  await page.getByLabel(ko.terms.privacyPolicy).check();
  await page.getByRole('button', { name: ko.terms.accept }).click();
  await onPath(page, '/onboarding/basic');
}

export async function saveAndContinue(page: Page, next: string): Promise<void> {
  await page.getByRole('button', { name: ko.onboarding.saveNext }).click();
  await onPath(page, `/onboarding/${next}`);
}

export async function chooseInterests(page: Page): Promise<void> {
  await page.getByRole('checkbox', { name: '여행·문화' }).check();
  await page.getByRole('checkbox', { name: '음식', exact: true }).check();
  await page.getByRole('checkbox', { name: 'IT', exact: true }).check();
  await page.getByRole('radio', { name: '둘 다' }).check();
  await page.getByRole('radio', { name: '실전 회화' }).check();
}

export async function choosePartner(page: Page): Promise<void> {
  await page.getByRole('checkbox', { name: '편한 친구처럼 대화' }).check();
  await page.getByLabel(ko.partner.ageMin).fill('20');
  await page.getByLabel(ko.partner.ageMax).fill('35');
}

/** Nothing on the page may be wider than the phone's screen. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * Answers the app's own confirmation dialog (never the browser's `confirm()`, which a person
 * cannot read in the app's style and which this would not find).
 */
export async function confirmInDialog(page: Page, title: string, button: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * Every control on the page smaller than `min`×`min` CSS pixels, as "name (w×h)". A checkbox or
 * radio counts by its label (the label is what a finger hits); a link inside running text is
 * exempt, as in WCAG 2.5.8.
 */
export async function smallTapTargets(page: Page, min = 44): Promise<string[]> {
  return page.evaluate((min) => {
    const found: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('a[href], button, select, summary, input, textarea, [role="button"]');
    for (const el of Array.from(controls)) {
      let target: HTMLElement = el;
      if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio' || el.type === 'file')) {
        const label = el.closest('label') ?? (el.id ? document.querySelector<HTMLElement>(`label[for="${el.id}"]`) : null);
        if (!label) continue;
        target = label;
      }
      if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
      if (el.closest('p, li > span') && el.tagName === 'A' && getComputedStyle(el).display === 'inline') continue;
      const box = target.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue; // not shown
      const style = getComputedStyle(target);
      if (style.visibility === 'hidden') continue;
      if (box.width < min - 0.5 || box.height < min - 0.5) {
        const name = (el.getAttribute('aria-label') ?? target.textContent ?? el.tagName).trim().replace(/\s+/g, ' ').slice(0, 40);
        found.push(`${el.tagName.toLowerCase()} "${name}" (${Math.round(box.width)}×${Math.round(box.height)})`);
      }
    }
    return [...new Set(found)];
  }, min);
}

/** The bell that is on screen (the phone header's or the desktop side bar's). */
export const bell = (page: Page) => page.locator('[data-testid="bell"]:visible');
/** The unread count its badge shows (0 when none is shown). */
export async function bellCount(page: Page): Promise<number> {
  // Read without waiting: a badge that goes between a look and a read (the count just cleared) is 0, not a 15 s wait.
  const [text] = await bell(page).locator('[data-testid="bell-count"]').allTextContents();
  return text ? Number(text) : 0;
}
