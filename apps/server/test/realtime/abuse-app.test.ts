import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { api, givenUser, type TestApp } from '../helpers/app.js';
import { startTwoNodes, type TwoNodes } from '../helpers/two-nodes.js';
import { connectStomp } from './harness.js';

/**
 * From a child process: one anonymous socket and one signed-in socket each send 5 MB of newlines
 * in 64 KB WebSocket messages as fast as they can; prints what ERROR each got and its close code.
 */
const FLOODER = `
import WebSocket from 'ws';
const [url, token] = process.argv.slice(1);
const chunk = Buffer.alloc(64 * 1024, '\\n');
const attack = (connect) => new Promise((resolve) => {
  const ws = new WebSocket(url, 'v12.stomp');
  const seen = {};
  ws.on('message', (data) => {
    const text = data.toString();
    if (text.startsWith('CONNECTED')) pump();
    const error = /^ERROR\\n([\\s\\S]*?)\\n\\n/.exec(text);
    if (error) for (const line of error[1].split('\\n')) { const i = line.indexOf(':'); if (['code', 'message'].includes(line.slice(0, i))) seen[line.slice(0, i)] = line.slice(i + 1); }
  });
  let sent = 0;
  const pump = () => { while (sent < 80 && ws.readyState === WebSocket.OPEN) { ws.send(chunk); sent++; } };
  ws.on('open', () => (connect ? ws.send(connect) : pump()));
  ws.on('close', (code) => resolve({ ...seen, closed: code }));
});
const connect = 'CONNECT\\naccept-version:1.2\\nheart-beat:0,0\\nAuthorization:Bearer ' + token + '\\n\\n\\0';
const [anonymous, signedIn] = await Promise.all([attack(null), attack(connect)]);
console.log(JSON.stringify({ anonymous, signedIn }));
`;
function flood(url: string, token: string): Promise<Record<'anonymous' | 'signedIn', { code?: string; message?: string; closed: number }>> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', FLOODER, url, token], { timeout: 20_000 }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout)),
    ),
  );
}

/**
 * The abuse limits as app.ts wires them, on each backend: a newline flood no longer stalls the
 * node (it used to: a 5 MB burst froze /health/live for up to 1.2 s), and chat SENDs over STOMP
 * share the HTTP route's per-minute budget (RATE_LIMIT_MESSAGES), per user.
 */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`realtime abuse on the app [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let nodes: TwoNodes;
    let t: TestApp;
    let wsUrl: string;

    beforeAll(async () => {
      nodes = await startTwoNodes(backend, { RATE_LIMIT_MESSAGES: '3', METRICS_TOKEN: 'abuse-scrape-token-0123' });
      t = nodes.t;
      wsUrl = `${t.url.replace('http', 'ws')}/ws`;
    });
    afterAll(async () => nodes?.close());

    it('keeps /health/live prompt while sockets flood newlines, and closes them at their budgets', async () => {
      const user = await givenUser(t);
      // Warm: the first fetch of a process pays for its HTTP client and connection.
      for (let i = 0; i < 3; i++) await fetch(`${t.url}/health/live`);
      const latencies: number[] = [];
      let flooding = true;
      const probe = (async () => {
        while (flooding) {
          const started = performance.now();
          expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
          latencies.push(performance.now() - started);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      // The attacker is another process, as it would be: its own sending costs this loop nothing.
      const report = await flood(wsUrl, user.token);
      flooding = false;
      await probe;

      expect(report.anonymous).toEqual({ code: 'UNAUTHENTICATED', message: 'No CONNECT frame within the first 8192 bytes.', closed: 1008 });
      expect(report.signedIn).toMatchObject({ code: 'RATE_LIMITED', closed: 1008 });
      expect(report.signedIn.message).toMatch(/bytes a second/);
      // Each was read only up to its budget: one refusal per limit, and the few messages read
      // before the signed-in one ran out of burst counted as a heart-beat each, not per newline.
      const metrics = await (await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer abuse-scrape-token-0123' } })).text();
      const metric = (line: string) =>
        Number(
          metrics
            .split('\n')
            .find((l) => l.startsWith(line + ' '))
            ?.slice(line.length + 1) ?? 0,
        );
      expect(metric('studymate_realtime_limited_total{limit="maxBytesBeforeConnect"}')).toBe(1);
      expect(metric('studymate_realtime_limited_total{limit="inboundBytesPerSecond"}')).toBe(1);
      expect(metric('studymate_realtime_frames_in_total{command="HEARTBEAT"}')).toBeLessThanOrEqual(5);
      // Coarse on purpose: wall-clock on a shared 2-core machine (the stall it guards against was
      // over a second; bench/stomp-abuse.mjs holds the real budget).
      expect(latencies.length).toBeGreaterThan(0);
      expect(Math.max(...latencies)).toBeLessThan(1000);
    });

    it('refuses a chat SEND past the per-user minute budget, counted over all of that user’s connections on every node', async () => {
      const minji = await givenUser(t, { name: 'Minji' });
      const alex = await givenUser(t, { name: 'Alex' });
      const roomId = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: minji.token, body: { partnerId: alex.userId } })).json.id;
      const phone = await connectStomp(wsUrl, { Authorization: `Bearer ${minji.token}` });
      // On the production backends the laptop is connected to another node sharing Redis.
      const laptop = await connectStomp(`${nodes.otherUrl.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${minji.token}` });
      let n = 0;
      const send = (stomp: typeof phone, receipt: string) =>
        stomp.client.publish({
          destination: `/pub/chat/rooms/${roomId}/messages`,
          body: JSON.stringify({ clientId: `budget${Date.now().toString(36)}${++n}`, kind: 'text', body: `message ${n}` }),
          headers: { receipt, 'content-type': 'application/json' },
        });
      for (const stomp of [phone, laptop, phone]) await stomp.receipt((receipt) => send(stomp, receipt));
      send(laptop, 'fourth');
      await laptop.closed;
      expect(laptop.errors[0]?.headers.code).toBe('RATE_LIMITED');
      expect(laptop.errors[0]?.headers['receipt-id']).toBe('fourth');
      const history = await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/messages`, { token: alex.token });
      expect(history.json.items.map((m: { body: string }) => m.body).sort()).toEqual(['message 1', 'message 2', 'message 3']);
      await phone.disconnect();
    });
  });
}
