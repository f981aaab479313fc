// First load of the sign-in page on a phone-class connection: Chromium throttled to 1.6 Mbps down,
// 750 kbps up, 150 ms round trip (CDP Network.emulateNetworkConditions), a fresh browser profile
// each run (nothing cached), against the built server serving the built web app as production
// does (precompressed assets). "Interactive" is when the app has rendered the sign-in form and
// its submit button is enabled: the JavaScript has arrived, run and taken over. Budget: < 3 s.
// Usage: npm run build && node bench/first-load.mjs   (RUNS=5 by default)
import { chromium } from 'playwright-core';
import { percentile, round, startServer } from './lib.mjs';

const runs = Number(process.env.RUNS ?? 5);
const BUDGET_MS = 3000;
const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-quic',
  ],
});
const results = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6e6 / 8) | 0,
      uploadThroughput: (750e3 / 8) | 0,
    });
    await page.goto(`${server.url}/signin`, { waitUntil: 'commit' });
    await page.waitForSelector('form button[type="submit"]:not([disabled])', { timeout: 30_000 });
    const measured = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        interactive_ms: performance.now(),
        fcp_ms: paint?.startTime ?? null,
        dom_content_loaded_ms: nav.domContentLoadedEventEnd,
        transferred_bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
        requests: resources.length + 1,
      };
    });
    results.push(measured);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const sorted = (key) => results.map((r) => r[key]).sort((a, b) => a - b);
const interactive = sorted('interactive_ms');
console.log(
  JSON.stringify({
    bench: 'first-load',
    page: '/signin',
    network: { down_kbps: 1600, up_kbps: 750, rtt_ms: 150 },
    runs,
    interactive_median_ms: round(percentile(interactive, 50)),
    interactive_max_ms: round(interactive.at(-1)),
    fcp_median_ms: round(percentile(sorted('fcp_ms'), 50)),
    dom_content_loaded_median_ms: round(percentile(sorted('dom_content_loaded_ms'), 50)),
    transferred_kb: round(percentile(sorted('transferred_bytes'), 50) / 1024, 1),
    requests: results[0].requests,
    budget_ms: BUDGET_MS,
    ok: interactive.at(-1) < BUDGET_MS,
  }),
);
