// Browser call set-up on loopback (issue 12, "Budgets"): from the second person's "join" click to
// both browsers' peer connections `connected`, median < 1.5 s.
//
// Starts the built server the production way (lib.mjs), makes two onboarded people with a 1:1
// room over HTTP, then drives two Debian Chromium contexts (fake camera and microphone, loopback
// candidates) through --calls calls: A starts a video call from the API, both open the call page
// and pass the device check, A joins, then B's click on "join" starts the clock; it stops when
// both pages say connected. Each call is hung up before the next.
//
//   npm run build && node bench/call-setup.mjs            # --calls 10
import { chromium } from 'playwright-core';
import { api, percentile, round, startServer } from './lib.mjs';

const i = process.argv.indexOf('--calls');
const calls = i > 0 ? Number(process.argv[i + 1]) : 10;
const BUDGET_MS = 1500;

const steps = (native, englishName) => ({
  basic: { englishName, cityId: 'seoul', intro: 'Call set-up benchmark profile.' },
  languages: { native, speaks: [], learns: [{ language: native === 'ko' ? 'en' : 'ko', level: 'B1', partnerLevel: 'C1' }] },
  interests: { motivations: ['friends'], topics: ['food'], learningStyle: 'both', expectation: 'practical' },
  partner: { partnerGender: 'any', partnerStyles: ['friendly'], ageMin: 20, ageMax: 40 },
  schedule: { communicationMethod: 'video', dailyMinutes: 10, availability: [{ day: 3, slot: 40 }] },
});

async function person(server, context, name, native) {
  const signIn = await context.request.post(`${server.url}/api/v1/auth/dev`, {
    data: { email: `${name}.${Date.now()}@example.test`, displayName: name },
    headers: { 'X-Requested-With': 'studymate' },
  });
  const reply = await signIn.json();
  const token = reply.accessToken;
  await api(
    server.url,
    'POST',
    '/api/v1/me/terms',
    { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: false },
    token,
  );
  for (const [step, body] of Object.entries(steps(native, name))) await api(server.url, 'PUT', `/api/v1/onboarding/${step}`, body, token);
  return { id: reply.user.id, token };
}

const server = await startServer({ RATE_LIMIT_SIGN_IN: '1000' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ],
});
let code = 2;
try {
  const [ca, cb] = [await browser.newContext({ baseURL: server.url }), await browser.newContext({ baseURL: server.url })];
  for (const c of [ca, cb]) await c.grantPermissions(['camera', 'microphone'], { origin: server.url });
  const a = await person(server, ca, 'Hana', 'ko');
  const b = await person(server, cb, 'Owen', 'en');
  const room = await api(server.url, 'POST', '/api/v1/chat/rooms/direct', { partnerId: b.id }, a.token);
  const [pa, pb] = [await ca.newPage(), await cb.newPage()];
  const times = [];
  for (let n = 0; n < calls; n++) {
    const { id } = await api(server.url, 'POST', '/api/v1/calls', { roomId: room.id, kind: 'video' }, a.token);
    await api(server.url, 'POST', `/api/v1/calls/${id}/accept`, undefined, b.token);
    await Promise.all([pa.goto(`/calls/${id}`), pb.goto(`/calls/${id}`)]);
    await pa.locator('[data-testid="join-call"]:not([disabled])').click();
    await pa.getByTestId('call-room').waitFor();
    const ready = pb.locator('[data-testid="join-call"]:not([disabled])');
    await ready.waitFor();
    const started = performance.now();
    await ready.click();
    await Promise.all([pa, pb].map((p) => p.locator('[data-testid="call-room"][data-phase="connected"]').waitFor({ timeout: 20_000 })));
    times.push(performance.now() - started);
    await pa.getByTestId('hang-up').click();
    await Promise.all([pa, pb].map((p) => p.waitForURL(`**/calls/${id}/rate`)));
  }
  times.sort((x, y) => x - y);
  const median = percentile(times, 50);
  console.log(
    JSON.stringify({
      bench: 'call-setup',
      calls,
      median_ms: round(median, 0),
      p90_ms: round(percentile(times, 90), 0),
      min_ms: round(times[0], 0),
      max_ms: round(times[times.length - 1], 0),
      budget_median_ms: BUDGET_MS,
      ok: median < BUDGET_MS,
    }),
  );
  code = median < BUDGET_MS ? 0 : 1;
} catch (error) {
  console.log(JSON.stringify({ bench: 'call-setup', error: String(error?.message ?? error) }));
} finally {
  await browser.close();
  await server.stop();
}
process.exit(code);
