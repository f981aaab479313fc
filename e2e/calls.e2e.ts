import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import safety from '../apps/web/src/features/safety/i18n/ko.json';
import { baseUrl, launchBrowser, newPage } from './support/browser';
import { onboardedUser } from './support/accounts';
import { onPath, pathOf, until } from './support/flow';
import { startTurnServer, turnMissing, type TurnServer } from '../apps/server/test/helpers/turn';

// Every RTCPeerConnection the page makes, and every track it receives, kept where the test can
// read getStats(): the app itself exposes nothing for tests.
const INSTRUMENT = `
  window.__pcs = [];
  window.__tracks = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
      this.addEventListener('track', (e) => window.__tracks.push({ kind: e.track.kind, id: e.track.id, stream: e.streams[0] && e.streams[0].id }));
    }
  };
`;

type Inbound = { audioBytes: number; videoBytes: number; audioLevel: number; videoTracks: number };
/** The newest peer connection's received bytes (audio, video), audio level and received video tracks. */
const inbound = (page: Page) =>
  page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs[pcs.length - 1];
    const out = { audioBytes: 0, videoBytes: 0, audioLevel: 0, videoTracks: 0 };
    if (!pc) return out;
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'audio') {
        out.audioBytes += Number(s.bytesReceived ?? 0);
        out.audioLevel = Math.max(out.audioLevel, Number(s.audioLevel ?? 0));
      } else {
        out.videoBytes += Number(s.bytesReceived ?? 0);
      }
    });
    out.videoTracks = pc.getReceivers().filter((r) => r.track.kind === 'video' && r.track.readyState === 'live').length;
    return out;
  }) as Promise<Inbound>;

/** The loudest audio level B heard over a couple of seconds (the fake microphone plays a steady tone). */
async function loudest(page: Page, ms = 2500) {
  let max = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    max = Math.max(max, (await inbound(page)).audioLevel);
    await new Promise((r) => setTimeout(r, 200));
  }
  return max;
}

describe('STUDYMATE calls: a video call between two mates in two browsers', () => {
  let browser: Browser;
  let a: { context: BrowserContext; page: Page };
  let b: { context: BrowserContext; page: Page };

  beforeAll(async () => {
    // A steady 440 Hz tone as both fake microphones, so muting shows as a drop in level.
    const wav = path.join(mkdtempSync(path.join(tmpdir(), 'studymate-calls-')), 'tone.wav');
    execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', wav, 'synth', '20', 'sine', '440', 'vol', '0.5']);
    browser = await launchBrowser([
      '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--auto-accept-this-tab-capture',
      '--auto-select-desktop-capture-source=Entire screen',
    ]);
    a = await newPage(browser, 'desktop');
    b = await newPage(browser, 'phone');
    for (const side of [a, b]) {
      await side.context.grantPermissions(['camera', 'microphone'], { origin: baseUrl });
      await side.context.addInitScript(INSTRUMENT);
    }
    const stamp = Date.now();
    const hana = await onboardedUser(a.context, `seoyeon.call.${stamp}@example.com`, '최서연', 'ko', 'Seoyeon Choi');
    const owen = await onboardedUser(b.context, `noah.call.${stamp}@example.com`, 'Noah', 'en', 'Noah Bennett');
    // Mates the usual way: a request, then an accept (the matching spec covers the pages).
    const sent = await a.context.request.post(`${baseUrl}/api/v1/matching/requests`, {
      data: { receiverId: owen.id, message: '통화해요!' },
      headers: hana.headers,
    });
    expect(sent.status(), await sent.text()).toBe(200);
    const accepted = await b.context.request.post(`${baseUrl}/api/v1/matching/requests/${(await sent.json()).id}/accept`, {
      headers: owen.headers,
    });
    expect(accepted.status(), await accepted.text()).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
  });

  // CALLS_DEBUG=1 prints both pages' console and each side's state when the pair does not connect.
  it('A calls B, B accepts, media flows both ways; mute, screen share and chat reach B; hang-up leads both to the rating page', async () => {
    // B waits on the mates page; the ringing banner shows on any page of the app.
    for (const [n, side] of [
      ['A', a],
      ['B', b],
    ] as const) {
      side.page.on('console', (m) => process.env.CALLS_DEBUG && console.log(n, m.type(), m.text()));
      side.page.on('pageerror', (e) => process.env.CALLS_DEBUG && console.log(n, 'pageerror', e.message));
    }
    await b.page.goto('/mates');
    await a.page.goto('/mates');
    await a.page.getByRole('article', { name: 'Noah Bennett' }).getByTestId('call-video').click();
    await until('A is on the call page', async () => /^\/calls\/[0-9a-f-]{36}$/.test(pathOf(a.page)));
    const callPath = pathOf(a.page);
    await a.page.getByTestId('join-call').click();
    await a.page.getByTestId('call-room').waitFor();

    await b.page.getByTestId('incoming-call').getByText('Seoyeon Choi').waitFor();
    await b.page.getByTestId('accept-call').click();
    await onPath(b.page, callPath);
    await b.page.getByTestId('device-check').waitFor();
    // The device check shows the microphone moving before joining.
    await until(
      'B hears their own microphone in the meter',
      async () => Number(await b.page.getByTestId('mic-level').getAttribute('aria-valuenow')) > 0,
    );
    const joinedAt = Date.now();
    await b.page.getByTestId('join-call').click();
    try {
      for (const side of [a, b]) await side.page.locator('[data-testid="call-room"][data-phase="connected"]').waitFor({ timeout: 20_000 });
    } catch (error) {
      if (process.env.CALLS_DEBUG)
        for (const side of [a, b])
          console.log(
            await side.page.getByTestId('call-room').getAttribute('data-phase'),
            (await side.page.locator('body').innerText()).slice(0, 600),
          );
      throw error;
    }
    const connectedAt = Date.now();
    // Each side's video names the other by the name others see.
    expect(await a.page.getByTestId('remote-name').textContent()).toBe('Noah Bennett');
    expect(await b.page.getByTestId('remote-name').textContent()).toBe('Seoyeon Choi');
    console.log(`call set-up, B's join to both connected: ${connectedAt - joinedAt} ms`);

    // Bytes rise on both sides, for audio and for video.
    const [a1, b1] = [await inbound(a.page), await inbound(b.page)];
    await new Promise((r) => setTimeout(r, 1500));
    const [a2, b2] = [await inbound(a.page), await inbound(b.page)];
    for (const [before, after] of [
      [a1, a2],
      [b1, b2],
    ] as const) {
      expect(after.audioBytes).toBeGreaterThan(before.audioBytes);
      expect(after.videoBytes).toBeGreaterThan(before.videoBytes);
    }
    await a.page.getByTestId('call-quality').waitFor();

    // A mutes: what B hears drops to (near) silence.
    const speaking = await loudest(b.page);
    expect(speaking).toBeGreaterThan(0.05);
    await a.page.getByTestId('toggle-mute').click();
    await new Promise((r) => setTimeout(r, 1000));
    const muted = await loudest(b.page);
    expect(muted).toBeLessThan(speaking / 5);

    // A shares a screen: B receives a new video track.
    const tracksBefore = await b.page.evaluate(
      () => (window as unknown as { __tracks: { kind: string }[] }).__tracks.filter((t) => t.kind === 'video').length,
    );
    await a.page.getByTestId('toggle-share').click();
    await until(
      'B receives the screen as a new video track',
      async () =>
        (await b.page.evaluate(
          () => (window as unknown as { __tracks: { kind: string }[] }).__tracks.filter((t) => t.kind === 'video').length,
        )) > tracksBefore,
      15_000,
    );
    await until('B shows two live video tracks', async () => (await inbound(b.page)).videoTracks >= 2);

    // In-call chat goes through the pair's chat room.
    await a.page.getByTestId('toggle-chat').click();
    await a.page.getByTestId('call-chat').getByRole('textbox').fill('화면 보여요?');
    await a.page.getByTestId('call-chat').getByRole('button').click();
    await b.page.getByTestId('toggle-chat').click();
    await b.page.getByTestId('call-chat').getByText('화면 보여요?').waitFor();

    // A hangs up; both land on the rating page, which shows the time the server recorded.
    await a.page.getByTestId('hang-up').click();
    const hungUpAt = Date.now();
    for (const side of [a, b]) await onPath(side.page, `${callPath}/rate`);
    const recorded = Number(await b.page.getByTestId('rate-call').getAttribute('data-connected-seconds'));
    expect(Math.abs(recorded - (hungUpAt - connectedAt) / 1000)).toBeLessThanOrEqual(2);

    // B rates Hana: 5 stars, talk again, a private note.
    await b.page.getByRole('radio').nth(4).click();
    await b.page.getByRole('checkbox').check();
    await b.page.getByRole('textbox').fill('발음 교정이 좋았어요');
    await b.page.getByRole('button', { name: '저장' }).click();
    await b.page.getByRole('status').waitFor();

    // A call leaves no message to report from: the rating page offers reporting the partner.
    await a.page.getByRole('button', { name: safety.report.person, exact: true }).click();
    const report = a.page.getByRole('dialog', { name: safety.report.title.replace('{{name}}', 'Noah Bennett') });
    await report.waitFor();
    await report.getByRole('button', { name: safety.report.cancel }).click();
    await report.waitFor({ state: 'detached' });
  });
});

/** Both call pages connected; if not in time, what each browser's peer connections say (for the log). */
async function bothConnected(...pages: Page[]) {
  try {
    for (const page of pages) await page.locator('[data-testid="call-room"][data-phase="connected"]').waitFor({ timeout: 30_000 });
  } catch (error) {
    for (const page of pages)
      console.log(
        await page.evaluate(() =>
          JSON.stringify(
            (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => [
              pc.connectionState,
              pc.iceConnectionState,
              pc.signalingState,
              pc.iceGatheringState,
            ]),
          ),
        ),
        await page.getByTestId('call-room').getAttribute('data-phase'),
      );
    throw error;
  }
}

describe('STUDYMATE calls: a dropped participant comes back', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser(['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns']);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('from the 1:1 chat header; B reloads mid-call, A sees "reconnecting", and the call resumes when B rejoins', async () => {
    const [a, b] = [await newPage(browser, 'desktop'), await newPage(browser, 'desktop')];
    for (const [n, side] of [
      ['A', a],
      ['B', b],
    ] as const)
      side.page.on('console', (m) => process.env.CALLS_DEBUG && console.log(n, m.type(), m.text()));
    for (const side of [a, b]) {
      await side.context.grantPermissions(['camera', 'microphone'], { origin: baseUrl });
      await side.context.addInitScript(INSTRUMENT);
    }
    const stamp = Date.now();
    const jisu = await onboardedUser(a.context, `jisu.call.${stamp}@example.com`, '김지수', 'ko', 'Jisu Kim');
    const mia = await onboardedUser(b.context, `mia.call.${stamp}@example.com`, 'Mia', 'en', 'Mia Turner');
    const room = await a.context.request.post(`${baseUrl}/api/v1/chat/rooms/direct`, {
      data: { partnerId: mia.id },
      headers: jisu.headers,
    });
    const roomId = (await room.json()).id as string;

    await b.page.goto('/chat');
    await a.page.goto(`/chat/${roomId}`);
    await a.page.getByTestId('call-voice').click();
    await until('A is on the call page', async () => /^\/calls\/[0-9a-f-]{36}$/.test(pathOf(a.page)));
    const callPath = pathOf(a.page);
    await a.page.locator('[data-testid="join-call"]:not([disabled])').click();
    await b.page.getByTestId('accept-call').click();
    await onPath(b.page, callPath);
    await b.page.locator('[data-testid="join-call"]:not([disabled])').click();
    await bothConnected(a.page, b.page);
    // A voice call shows the partner's picture instead of video.
    await a.page.getByTestId('voice-avatars').getByText('Mia').waitFor();

    await b.page.reload();
    await a.page.locator('[data-testid="call-room"][data-phase="reconnecting"]').waitFor();
    await a.page.getByTestId('call-status').getByText(/Mia/).waitFor();
    await b.page.locator('[data-testid="join-call"]:not([disabled])').click();
    await bothConnected(a.page, b.page);
    const before = await inbound(a.page);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await inbound(a.page)).audioBytes).toBeGreaterThan(before.audioBytes);
    await b.page.getByTestId('hang-up').click();
    for (const side of [a, b]) await onPath(side.page, `${callPath}/rate`);
    await Promise.all([a.context.close(), b.context.close()]);
  });
});

// The same call forced through coturn: a second server with TURN configured (the suite's has
// none), and both browsers limited to relayed candidates (iceTransportPolicy 'relay'), so media
// can only flow if our TURN REST credentials work in a real browser.
const FORCE_RELAY = `
  const Plain = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Plain {
    constructor(config = {}) { super({ ...config, iceTransportPolicy: 'relay' }); }
  };
`;
const missing = turnMissing();

describe.skipIf(missing)(`STUDYMATE calls through coturn in relay mode${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let browser: Browser;
  let turn: TurnServer;
  let server: ChildProcess;
  let url: string;

  beforeAll(async () => {
    turn = await startTurnServer();
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    url = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [path.resolve('apps/server/dist/main.js')], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: url,
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'studymate-e2e-turn-')),
        RATE_LIMIT_SIGN_IN: '1000',
        TURN_URLS: `${turn.url}?transport=udp`,
        TURN_SECRET: turn.secret,
      },
      stdio: 'ignore',
    });
    await until(
      'the TURN-enabled server is ready',
      async () => (await fetch(`${url}/health/ready`).catch(() => null))?.status === 200,
      30_000,
    );
    browser = await launchBrowser(['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns']);
  });
  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    await turn?.stop();
  });

  it('both browsers connect through the relay and media flows', async () => {
    const side = async (name: string) => {
      const context = await browser.newContext({ baseURL: url, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
      await context.grantPermissions(['camera', 'microphone'], { origin: url });
      await context.addInitScript(FORCE_RELAY);
      await context.addInitScript(INSTRUMENT);
      const page = await context.newPage();
      page.on('console', (m) => process.env.CALLS_DEBUG && console.log(name, m.type(), m.text()));
      return { context, page };
    };
    const [a, b] = [await side('A'), await side('B')];
    const stamp = Date.now();
    const hana = await onboardedUser(a.context, `seoyeon.relay.${stamp}@example.com`, '최서연', 'ko', 'Seoyeon Choi', undefined, url);
    const owen = await onboardedUser(b.context, `noah.relay.${stamp}@example.com`, 'Noah', 'en', 'Noah Bennett', undefined, url);
    const room = await a.context.request.post(`${url}/api/v1/chat/rooms/direct`, { data: { partnerId: owen.id }, headers: hana.headers });
    const call = await a.context.request.post(`${url}/api/v1/calls`, {
      data: { roomId: (await room.json()).id, kind: 'video' },
      headers: hana.headers,
    });
    const callId = (await call.json()).id as string;
    expect((await b.context.request.post(`${url}/api/v1/calls/${callId}/accept`, { headers: owen.headers })).status()).toBe(200);

    for (const { page } of [a, b]) {
      await page.goto(`/calls/${callId}`);
      // TURN is configured here, so the device check does not warn that it is off.
      await page.getByTestId('device-check').waitFor();
      expect(await page.getByTestId('turn-off').count()).toBe(0);
      await page.locator('[data-testid="join-call"]:not([disabled])').click();
    }
    try {
      for (const { page } of [a, b]) await page.locator('[data-testid="call-room"][data-phase="connected"]').waitFor({ timeout: 30_000 });
    } catch (error) {
      if (process.env.CALLS_DEBUG)
        for (const { page } of [a, b])
          console.log(
            await page.getByTestId('call-room').getAttribute('data-phase'),
            await page.evaluate(() =>
              JSON.stringify(
                (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => [
                  pc.connectionState,
                  pc.iceConnectionState,
                  pc.iceGatheringState,
                  pc.signalingState,
                ]),
              ),
            ),
            await page.evaluate(async () => JSON.stringify(await (await fetch('/api/v1/calls/ice-servers', { headers: {} })).status)),
          );
      throw error;
    }
    for (const { page } of [a, b]) {
      const kinds = await page.evaluate(async () => {
        const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
        const stats = await pcs[pcs.length - 1]!.getStats();
        const byId = new Map<string, Record<string, unknown>>();
        stats.forEach((s: Record<string, unknown>) => byId.set(String(s.id), s));
        const transport = [...byId.values()].find((s) => s.type === 'transport' && s.selectedCandidatePairId);
        const pair = byId.get(String(transport?.selectedCandidatePairId));
        return [byId.get(String(pair?.localCandidateId))?.candidateType, byId.get(String(pair?.remoteCandidateId))?.candidateType];
      });
      expect(kinds).toEqual(['relay', 'relay']);
    }
    const before = await inbound(b.page);
    await new Promise((r) => setTimeout(r, 1500));
    const after = await inbound(b.page);
    expect(after.videoBytes).toBeGreaterThan(before.videoBytes);
    expect(after.audioBytes).toBeGreaterThan(before.audioBytes);
    expect(turn.output()).toContain(hana.id);
    await a.page.getByTestId('hang-up').click();
    await onPath(b.page, `/calls/${callId}/rate`);
  });
});
