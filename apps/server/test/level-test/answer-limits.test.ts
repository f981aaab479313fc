import { request } from 'node:http';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, givenUser, startApp, type Client, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { countFiles } from '../helpers/files.js';
import { silentWav, synth, uploadAnswer, waitForStatus } from './helpers.js';

/** Seconds past the speaking window an answer may run (prompts.ts). */
const MARGIN = 15;

/** A recording that sounds like speech: bursts of tone between short silences, `sec` long. */
function speechLike(sec: number, rate: number) {
  const parts: { sec: number; hz?: number; amp?: number }[] = [];
  for (let t = 0; t < sec; t += 2)
    parts.push({ sec: Math.min(1.4, sec - t), hz: 180, amp: 0.3 }, { sec: Math.max(0, Math.min(0.6, sec - t - 1.4)) });
  return synth(parts, { rate, noise: 0.01 }).wav;
}

for (const backend of BACKENDS) {
  describe.skipIf(!!backend.skip)(`level-test answer limits [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(backend, { STT_PROVIDERS: 'client', JOBS_POLL_MS: '50', RATE_LIMIT_UPLOAD: '10000' });
    });
    afterAll(() => t?.close());

    async function newAttempt(): Promise<{ user: Client; attempt: any }> {
      const user = await givenUser(t);
      const attempt = (await api(t, 'POST', '/api/v1/level-test/attempts', { token: user.token })).json;
      return { user, attempt };
    }

    it("refuses an answer longer than its prompt's speaking window plus 15 s, naming the limit, and stores nothing", async () => {
      const { user, attempt } = await newAttempt();
      const uploads = path.join(t.config.dataDir, 'uploads', 'level-test');
      const before = countFiles(uploads);
      // The read-aloud item has the shortest window, the last stage the longest.
      const first = attempt.prompts[0];
      const last = attempt.prompts[attempt.prompts.length - 1];

      // The recording from the report: 10 MB of 8-bit 4 kHz mono, 43.7 minutes, for the longest window.
      const report = silentWav(2621, { rate: 4000, bits: 8 });
      expect(report.length).toBeLessThanOrEqual(10 * 1024 * 1024);
      const huge = await uploadAnswer(t, user, attempt.id, last.id, report, 'hello');
      expect(huge.status).toBe(413);
      expect(huge.json.error.code).toBe('LEVEL_TEST_ANSWER_TOO_LONG');
      expect(huge.json.error.message).toContain(`at most ${last.answerSec + MARGIN} s`);
      // A little smaller, so the size passes: its header gives it away.
      const long = await uploadAnswer(t, user, attempt.id, last.id, silentWav(2500, { rate: 4000, bits: 8 }), 'hello');
      expect(long.status).toBe(413);
      expect(long.json.error.details).toMatchObject({ maxSeconds: last.answerSec + MARGIN, durationSec: 2500 });

      // Small in bytes, long in time: the header says so.
      const justOver = await uploadAnswer(t, user, attempt.id, first.id, silentWav(first.answerSec + MARGIN + 1, { rate: 4000, bits: 8 }));
      expect(justOver.status).toBe(413);
      expect(justOver.json.error.details.maxSeconds).toBe(first.answerSec + MARGIN);

      // Big in bytes: more than any allowed answer to this prompt, whatever its header says.
      const big = await uploadAnswer(t, user, attempt.id, first.id, silentWav(40, { rate: 48000, channels: 2 }));
      expect(big.status).toBe(413);
      expect(big.json.error.code).toBe('LEVEL_TEST_ANSWER_TOO_LONG');
      expect(big.json.error.details.maxBytes).toBeLessThan(big.json.error.details.bytes);

      expect(countFiles(uploads)).toBe(before);
      expect((await api(t, 'GET', `/api/v1/level-test/attempts/${attempt.id}`, { token: user.token })).json.answers).toEqual([]);

      // A recorder that stopped a few seconds late is fine.
      const late = await uploadAnswer(t, user, attempt.id, first.id, silentWav(first.answerSec + 5));
      expect(late.status).toBe(200);
      expect(late.json.durationMs).toBe((first.answerSec + 5) * 1000);
    });

    it('refuses an announced oversized answer before its body arrives', async () => {
      const { user, attempt } = await newAttempt();
      const url = new URL(`${t.url}/api/v1/level-test/attempts/${attempt.id}/answers/${attempt.prompts[0].id}`);
      const reply = await new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = request(url, {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${user.token}`,
            'content-type': 'multipart/form-data; boundary=x',
            'content-length': String(9 * 1024 * 1024),
          },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode!, body: JSON.parse(text) });
          });
        });
        req.on('error', reject);
        // Only the start of the form is ever sent.
        req.write('--x\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\n\r\n');
      });
      expect(reply.status).toBe(413);
      expect(reply.body.error.code).toBe('LEVEL_TEST_ANSWER_TOO_LONG');
    });

    it('keeps the server responsive while it scores long answers: decoding runs in worker threads', { timeout: 240_000 }, async () => {
      const { user, attempt } = await newAttempt();
      // Whole speaking windows at 48 kHz, the browsers' own rate: 4 to 9 MB each.
      const recordings = attempt.prompts.map((p: any) => speechLike(p.answerSec, 48000));
      const workers: Worker[] = [];
      const onWorker = (w: Worker) => workers.push(w);
      process.on('worker', onWorker);
      let probing = true;
      let slowest = 0;
      const probe = (async () => {
        while (probing) {
          const started = performance.now();
          const res = await fetch(`${t.url}/health/live`);
          await res.text();
          slowest = Math.max(slowest, performance.now() - started);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      try {
        for (const [i, p] of attempt.prompts.entries()) {
          const up = await uploadAnswer(t, user, attempt.id, p.id, recordings[i], 'I like to talk about this topic with my friends');
          expect(up.status).toBe(200);
        }
        expect((await api(t, 'POST', `/api/v1/level-test/attempts/${attempt.id}/finish`, { token: user.token })).status).toBe(202);
        const done = await waitForStatus(t, user, attempt.id, (s) => s.status === 'scored' || s.status === 'failed', 200_000);
        expect(done.status).toBe('scored');
      } finally {
        probing = false;
        await probe;
        process.off('worker', onWorker);
      }
      const result = (await api(t, 'GET', `/api/v1/level-test/attempts/${attempt.id}/result`, { token: user.token })).json;
      for (const a of result.answers) {
        const prompt = attempt.prompts.find((p: any) => p.id === a.promptId);
        expect(a.durationSec).toBeCloseTo(prompt.answerSec, 1);
        // 1.4 s of tone in every 2 s.
        expect(a.speechSec).toBeGreaterThan(prompt.answerSec * 0.5);
        expect(a.speechSec).toBeLessThan(prompt.answerSec * 0.9);
      }
      console.log(`slowest /health/live while uploading and scoring four long answers: ${slowest.toFixed(0)} ms`);
      expect(workers.length).toBeGreaterThanOrEqual(attempt.prompts.length);
      // Generous: decoding one of these on the event loop took 300-900 ms here.
      expect(slowest).toBeLessThan(1000);
    });
  });
}
