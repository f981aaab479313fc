import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, startApp, type Client, type TestApp } from './helpers/app.js';
import { tinyPng } from './helpers/files.js';
import { until } from './helpers/wait.js';

let n = 0;
const clientId = () => `ex${Date.now().toString(36)}${(++n).toString(36).padStart(4, '0')}`;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`data export [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(backend);
    });
    afterAll(async () => t?.close());

    const send = async (user: Client, roomId: string, body: Record<string, unknown>) => {
      const sent = await api(t, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, {
        token: user.token,
        body: { clientId: clientId(), kind: 'text', body: '', ...body },
      });
      expect(sent.status, JSON.stringify(sent.json)).toBe(200);
      return sent.json as { id: string; seq: number };
    };
    /** Asks for an export and follows its progress until it is ready, as the settings page does. */
    const buildExport = async (user: Client) => {
      const started = await api(t, 'POST', '/api/v1/me/exports', { token: user.token });
      expect(started.status).toBe(202);
      expect(started.json).toMatchObject({ status: 'building' });
      const seen: number[] = [started.json.progress];
      let latest: any = null;
      await until('the export to be ready', async () => {
        latest = (await api(t, 'GET', '/api/v1/me/exports/latest', { token: user.token })).json.export;
        seen.push(latest.progress);
        if (latest.status === 'failed') throw new Error('export failed');
        return latest.status === 'ready';
      });
      expect(latest.id).toBe(started.json.id);
      expect(latest.progress).toBe(1);
      expect(
        seen.every((p, i) => i === 0 || p >= seen[i - 1]!),
        `progress only grows: ${seen.join(',')}`,
      ).toBe(true);
      expect(Date.parse(latest.expiresAt) - Date.parse(latest.readyAt)).toBe(24 * 3600_000);
      const file = await fetch(`${t.url}/api/v1/me/exports/${latest.id}/download`, { headers: { authorization: `Bearer ${user.token}` } });
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toMatch(/attachment; filename="studymate-export-/);
      return { id: latest.id as string, data: (await file.json()) as any };
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
  });
}
