import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLinkQuery } from '../src/modules/level-test/policy.js';
import type { UsersTables } from '../src/modules/users/repository.js';
import { EXPORT_SWEEP_JOB } from '../src/modules/users/service.js';
import { SignedLinks } from '../src/platform/auth/signed-links.js';
import { openDatabase } from '../src/platform/db/database.js';
import { JobRunner, type JobsTables } from '../src/platform/jobs/jobs.js';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, startApp, type Client, type TestApp } from './helpers/app.js';
import { tinyPng } from './helpers/files.js';
import { buildExport as buildExportOf } from './helpers/exports.js';
import { until } from './helpers/wait.js';
import { synth, uploadAnswer, waitForStatus } from './level-test/helpers.js';

let n = 0;
const clientId = () => `ex${Date.now().toString(36)}${(++n).toString(36).padStart(4, '0')}`;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`data export [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    let db: Kysely<UsersTables & JobsTables>;
    beforeAll(async () => {
      // The browser's transcript is the only recogniser: level-test answers are analysed in a moment.
      t = await startApp(backend, { STT_PROVIDERS: 'client', JOBS_POLL_MS: '50' });
      db = await openDatabase<UsersTables & JobsTables>(t.config.database);
    });
    afterAll(async () => {
      await db?.destroy();
      await t?.close();
    });

    const send = async (user: Client, roomId: string, body: Record<string, unknown>) => {
      const sent = await api(t, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, {
        token: user.token,
        body: { clientId: clientId(), kind: 'text', body: '', ...body },
      });
      expect(sent.status, JSON.stringify(sent.json)).toBe(200);
      return sent.json as { id: string; seq: number };
    };
    /** An export as the settings page gets it, checked for growing progress and its day of validity. */
    const buildExport = async (user: Client) => {
      const built = await buildExportOf(t, user);
      expect(built.latest.progress).toBe(1);
      expect(
        built.progress.every((p, i) => i === 0 || p >= built.progress[i - 1]!),
        `progress only grows: ${built.progress.join(',')}`,
      ).toBe(true);
      expect(Date.parse(built.latest.expiresAt) - Date.parse(built.latest.readyAt)).toBe(24 * 3600_000);
      return built;
    };

    it('builds as a job with progress and holds every message I wrote: text, corrections, edits, replies, files (links for a day), read marks', async () => {
      const [me, partner] = await Promise.all([givenUser(t), givenUser(t)]);
      const room = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: me.token, body: { partnerId: partner.userId } })).json.id;
      const hello = await send(me, room, { body: 'Hello, nice to meet you' });
      const theirs = await send(partner, room, { body: 'I goed to Busan yesterday' });
      await send(me, room, {
        kind: 'correction',
        body: 'I went to Busan yesterday',
        originalText: 'I goed to Busan yesterday',
        replyToId: theirs.id,
      });
      await send(me, room, { body: 'How was it?', replyToId: theirs.id });
      expect(
        (await api(t, 'PATCH', `/api/v1/chat/messages/${hello.id}`, { token: me.token, body: { body: 'Hello! Nice to meet you' } })).status,
      ).toBe(200);
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(tinyPng())]), 'busan-beach.png');
      const upload = await fetch(`${t.url}/api/v1/chat/rooms/${room}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${me.token}` },
        body: form,
      });
      const image = (await upload.json()) as { id: string };
      await send(me, room, { kind: 'image', attachmentId: image.id });
      expect((await api(t, 'POST', `/api/v1/chat/rooms/${room}/read`, { token: me.token, body: { seq: theirs.seq } })).status).toBe(204);

      const { data } = await buildExport(me);
      expect(data.account.id).toBe(me.userId);
      const mine = data.chat.messages as any[];
      expect(mine.map((m) => [m.kind, m.text])).toEqual([
        ['text', 'Hello! Nice to meet you'],
        ['correction', 'I went to Busan yesterday'],
        ['text', 'How was it?'],
        ['image', ''],
      ]);
      expect(mine[0].editedAt).not.toBeNull();
      expect(mine[1]).toMatchObject({ correctedFrom: 'I goed to Busan yesterday', replyToId: theirs.id });
      expect(mine[2].replyToId).toBe(theirs.id);
      expect(mine.some((m) => m.text === 'I goed to Busan yesterday')).toBe(false);
      expect(data.chat.rooms).toEqual([expect.objectContaining({ id: room, kind: 'direct', readUpToSeq: theirs.seq })]);
      expect(Array.isArray(data['level-test'])).toBe(true);

      // The file's link works without signing in, for a day, and only as signed.
      const link = mine[3].attachment.url as string;
      expect(mine[3].attachment.fileName).toBe('busan-beach.png');
      const fetched = await fetch(t.url + link);
      expect(fetched.status).toBe(200);
      expect(Buffer.from(await fetched.arrayBuffer()).equals(tinyPng())).toBe(true);
      expect((await fetch(t.url + link.replace(/sig=./, 'sig=x'))).status).toBe(404);
      const expires = Number(new URL(t.url + link).searchParams.get('expires'));
      expect(expires - Date.now()).toBeGreaterThan(23 * 3600_000);
      expect((await fetch(t.url + link.replace(`expires=${expires}`, `expires=${expires + 3600_000}`))).status).toBe(404);
    });

    it('an export is mine alone: the partner cannot download it, and theirs holds none of my words', async () => {
      const [me, partner] = await Promise.all([givenUser(t), givenUser(t)]);
      const room = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: me.token, body: { partnerId: partner.userId } })).json.id;
      await send(me, room, { body: 'only mine' });
      const { id } = await buildExport(me);
      expect((await api(t, 'GET', `/api/v1/me/exports/${id}/download`, { token: partner.token })).status).toBe(404);
      const theirs = await buildExport(partner);
      expect(theirs.data.chat.messages).toEqual([]);
      // Asking again replaces the earlier export.
      const again = await buildExport(me);
      expect(again.id).not.toBe(id);
      expect((await api(t, 'GET', `/api/v1/me/exports/${id}/download`, { token: me.token })).status).toBe(404);
    });

    it('links each level-test answer to its recording beside its prompt, transcript and result, for a day and only as signed', async () => {
      const me = await givenUser(t);
      const attempt = (await api(t, 'POST', '/api/v1/level-test/attempts', { token: me.token })).json;
      const prompts = attempt.prompts as { id: string; stage: number; title: string }[];
      const recordings = new Map(prompts.map((p, i) => [p.id, synth([{ sec: 1 + i / 2, hz: 220 + 40 * i }]).wav]));
      for (const [promptId, wav] of recordings)
        expect((await uploadAnswer(t, me, attempt.id, promptId, wav, `I answer the prompt ${promptId} in my own words`)).status).toBe(200);
      expect((await api(t, 'POST', `/api/v1/level-test/attempts/${attempt.id}/finish`, { token: me.token })).status).toBe(202);
      expect((await waitForStatus(t, me, attempt.id, (s) => s.status === 'scored' || s.status === 'failed')).status).toBe('scored');

      const { data } = await buildExport(me);
      const exported = (data['level-test'] as any[]).find((a) => a.id === attempt.id);
      expect(exported.result).toMatchObject({ attemptId: attempt.id });
      expect(exported.answers.map((a: { promptId: string }) => a.promptId).sort()).toEqual([...recordings.keys()].sort());
      for (const answer of exported.answers) {
        const prompt = prompts.find((p) => p.id === answer.promptId)!;
        expect(answer).toMatchObject({
          stage: prompt.stage,
          prompt: prompt.title,
          transcript: `I answer the prompt ${prompt.id} in my own words`,
          result: { promptId: prompt.id, stage: prompt.stage },
          recording: { contentType: 'audio/wav', url: expect.stringContaining(`/answers/${prompt.id}/recording/link?`) },
        });
        expect(Date.parse(answer.recording.linkExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
        // Opened outside the app: no token, the signature is the credential.
        const fetched = await fetch(t.url + answer.recording.url);
        expect(fetched.status).toBe(200);
        expect(fetched.headers.get('content-type')).toBe('audio/wav');
        expect(fetched.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''level-test-.+\.wav$/);
        expect(Buffer.from(await fetched.arrayBuffer()).equals(recordings.get(prompt.id)!)).toBe(true);
      }

      const link = new URL(t.url + exported.answers[0].recording.url);
      const expires = Number(link.searchParams.get('expires'));
      const sig = link.searchParams.get('sig')!;
      const at = (path: string, query: string) => fetch(`${t.url}${path}?${query}`);
      const refused = async (path: string, query: string) => {
        const res = await at(path, query);
        expect(res.status, `${path}?${query}`).toBe(404);
        expect(((await res.json()) as any).error.code).toBe('NOT_FOUND');
      };
      // A tampered signature, a longer life, or the same signature on the other answer: refused.
      await refused(link.pathname, `expires=${expires}&sig=${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`);
      await refused(link.pathname, `expires=${expires + 3600_000}&sig=${sig}`);
      const promptId = exported.answers[0].promptId as string;
      await refused(link.pathname.replace(promptId, exported.answers[1].promptId), link.search.slice(1));
      // Signed by this server with its own key, but the day has passed: refused.
      const links = new SignedLinks(t.config.auth.jwtSecret);
      const expired = Date.now() - 1000;
      await refused(link.pathname, recordingLinkQuery(links, attempt.id, promptId, expired));
      // The same key signing a fresh expiry opens it, so the refusal above is the expiry's alone.
      expect((await at(link.pathname, recordingLinkQuery(links, attempt.id, promptId, Date.now() + 60_000))).status).toBe(200);
      // Another server's key opens nothing.
      await refused(link.pathname, recordingLinkQuery(new SignedLinks('x'.repeat(32)), attempt.id, promptId, expires));
    });

    it('sweeps expired exports, file and row, with the periodic job and leaves a fresh one', async () => {
      const [stale, fresh] = await Promise.all([givenUser(t), givenUser(t)]);
      const old = await buildExport(stale);
      const recent = await buildExport(fresh);
      const fileOf = (user: Client, id: string) => path.join(t.config.dataDir, 'uploads', 'exports', user.userId, id);
      expect(existsSync(fileOf(stale, old.id))).toBe(true);
      // Its day has passed (finished 25 hours ago); the settings page already shows it as expired.
      await db
        .updateTable('account_exports')
        .set({ finished_at: Date.now() - 25 * 3600_000 })
        .where('id', '=', old.id)
        .execute();
      expect((await api(t, 'GET', '/api/v1/me/exports/latest', { token: stale.token })).json.export.status).toBe('expired');

      // The next run of the hourly sweep, as the running chain would queue it.
      await new JobRunner(db as unknown as Kysely<JobsTables>, t.config.jobs).enqueue(EXPORT_SWEEP_JOB, {});
      await until(
        'the expired export to be swept',
        async () => !(await db.selectFrom('account_exports').select('id').where('id', '=', old.id).executeTakeFirst()),
      );
      expect(existsSync(fileOf(stale, old.id))).toBe(false);
      expect((await api(t, 'GET', '/api/v1/me/exports/latest', { token: stale.token })).json.export).toBeNull();

      expect(existsSync(fileOf(fresh, recent.id))).toBe(true);
      const kept = await api(t, 'GET', `/api/v1/me/exports/${recent.id}/download`, { token: fresh.token });
      expect(kept.status).toBe(200);
      expect(kept.json.account.id).toBe(fresh.userId);
      // The chain goes on: one run stays queued for the next hour.
      const queued = await db
        .selectFrom('jobs')
        .select('run_after')
        .where('kind', '=', EXPORT_SWEEP_JOB)
        .where('status', '=', 'queued')
        .execute();
      expect(queued).toHaveLength(1);
      expect(Number(queued[0]!.run_after) - Date.now()).toBeGreaterThan(50 * 60_000);
    });

    it('has one way to export: the old synchronous download is gone', async () => {
      const me = await givenUser(t);
      const old = await api(t, 'GET', '/api/v1/me/export', { token: me.token });
      expect(old.status).toBe(404);
      expect(old.json.error.code).toBe('NOT_FOUND');
      const doc = (await api(t, 'GET', '/api/docs/json')).json;
      expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/me/export'))).toEqual([
        '/api/v1/me/exports',
        '/api/v1/me/exports/latest',
        '/api/v1/me/exports/{exportId}/download',
      ]);
    });
  });
}
