import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type {} from '../global-setup'; // brings the typed inject('baseUrl')

/** The server e2e/global-setup.ts started (or E2E_BASE_URL). */
export const baseUrl = inject('baseUrl');

/**
 * Debian's chromium, headless, with a throwaway profile and a fake camera and microphone; a spec
 * may add flags (a WAV file for the fake microphone, say).
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      ...extraArgs,
    ],
  });
}

let contexts = 0;

/** Desktop by default; `phone` is a 375×812 touch screen. */
export async function newPage(
  browser: Browser,
  device: 'desktop' | 'phone' = 'desktop',
  timezoneId = 'Asia/Seoul',
): Promise<{ context: BrowserContext; page: Page }> {
  const screen =
    device === 'phone'
      ? { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 900 } };
  mkdirSync(path.resolve('test-results'), { recursive: true });
  const context = await browser.newContext({ ...screen, baseURL: baseUrl, locale: 'ko-KR', timezoneId });
  await context.grantPermissions(['camera'], { origin: baseUrl });
  // Every API answer the browser saw, for reading a failed run (test-results/e2e-api-<n>-<device>.log).
  const log = createWriteStream(path.resolve('test-results', `e2e-api-${++contexts}-${device}.log`));
  const started = Date.now();
  context.on('response', (r) => {
    const url = new URL(r.url());
    if (!url.pathname.startsWith('/api/')) return;
    log.write(
      `${String(Date.now() - started).padStart(7)} ms  ${r.status()} ${r.request().method()} ${url.pathname}${r.headers()['set-cookie'] ? '  (sets cookie)' : ''}\n`,
    );
  });
  context.on('close', () => log.end());
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}
