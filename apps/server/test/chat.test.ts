import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, startApp, type Client, type TestApp } from './helpers/app.js';
import { countFiles, tinyPng } from './helpers/files.js';
import { startOpenAiProvider } from './helpers/openai-provider.js';

let seq = 0;
const clientId = () => `c${Date.now().toString(36)}${(++seq).toString(36).padStart(4, '0')}`;

/** A short WAV file (silence), enough for the sniffing to call it a voice note. */
function wav(): Buffer {
  const data = Buffer.alloc(1600);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16000, 24);
  header.writeUInt32LE(32000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

async function upload(t: TestApp, user: Client, roomId: string, bytes: Buffer, name: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${t.url}/api/v1/chat/rooms/${roomId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}` },
    body: form,
  });
  return { status: res.status, json: (await res.json()) as any };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`chat over HTTP [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    let ai: Awaited<ReturnType<typeof startOpenAiProvider>>;
    let minji: Client;
    let alex: Client;
    let stranger: Client;
    let roomId: string;
    const send = (user: Client, body: Record<string, unknown>, room = roomId) =>
      api(t, 'POST', `/api/v1/chat/rooms/${room}/messages`, { token: user.token, body: { clientId: clientId(), kind: 'text', ...body } });

    beforeAll(async () => {
      ai = await startOpenAiProvider();
      t = await startApp(backend, { TRANSLATION_API_URL: ai.url, TRANSLATION_TIMEOUT_MS: '500', RATE_LIMIT_MESSAGES: '10000' });
      [minji, alex, stranger] = await Promise.all([
        givenUser(t, { name: 'Minji' }),
        givenUser(t, { name: 'Alex' }),
        givenUser(t, { name: 'Stranger' }),
      ]);
      roomId = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: minji.token, body: { partnerId: alex.userId } })).json.id;
    });
    afterAll(async () => {
      await t?.close();
      await ai?.close();
    });

    it('keeps one direct room per pair, whoever opens it, even at the same moment', async () => {
      const opened = await Promise.all([
        api(t, 'POST', '/api/v1/chat/rooms/direct', { token: alex.token, body: { partnerId: minji.userId } }),
        api(t, 'POST', '/api/v1/chat/rooms/direct', { token: minji.token, body: { partnerId: alex.userId } }),
      ]);
      expect(opened.map((o) => o.json.id)).toEqual([roomId, roomId]);
      const a = await givenUser(t);
      const b = await givenUser(t);
      const race = await Promise.all([
        api(t, 'POST', '/api/v1/chat/rooms/direct', { token: a.token, body: { partnerId: b.userId } }),
        api(t, 'POST', '/api/v1/chat/rooms/direct', { token: b.token, body: { partnerId: a.userId } }),
      ]);
      expect(race[0]!.json.id).toBe(race[1]!.json.id);
      expect((await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: a.token, body: { partnerId: a.userId } })).status).toBe(400);
    });

    it("hides another pair's room: reading, sending and uploading all answer 404", async () => {
      expect((await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/messages`, { token: stranger.token })).status).toBe(404);
      expect((await send(stranger, { body: 'let me in' })).status).toBe(404);
      expect((await upload(t, stranger, roomId, tinyPng(), 'x.png')).status).toBe(404);
      expect((await api(t, 'GET', '/api/v1/chat/rooms', { token: stranger.token })).json.items).toEqual([]);
    });

    it('stores a retried message once and hands back the same message', async () => {
      const id = clientId();
      const first = await send(minji, { clientId: id, body: '안녕하세요!' });
      const retry = await send(minji, { clientId: id, body: '안녕하세요!' });
      expect(first.status).toBe(200);
      expect(retry.json.id).toBe(first.json.id);
      const history = await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/messages?limit=100`, { token: alex.token });
      expect(history.json.items.filter((m: { clientId: string }) => m.clientId === id)).toHaveLength(1);
    });

    it('numbers concurrent messages densely, so cursors never skip or repeat', async () => {
      const room = (
        await api(t, 'POST', '/api/v1/chat/rooms/group', { token: minji.token, body: { name: 'Concurrency', memberIds: [alex.userId] } })
      ).json.id;
      const sent = await Promise.all(Array.from({ length: 30 }, (_, i) => send(i % 2 ? alex : minji, { body: `m${i}` }, room)));
      expect(sent.every((s) => s.status === 200)).toBe(true);
      expect(sent.map((s) => s.json.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      // Walk back through history in pages of 7: every message exactly once, newest first.
      const seen: number[] = [];
      let before: number | null | undefined;
      do {
        const page = await api(t, 'GET', `/api/v1/chat/rooms/${room}/messages?limit=7${before ? `&before=${before}` : ''}`, {
          token: alex.token,
        });
        seen.push(...page.json.items.map((m: { seq: number }) => m.seq));
        before = page.json.nextBefore;
      } while (before);
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
      // A reconnecting client catches up with everything after the last seq it saw.
      const catchUp = await api(t, 'GET', `/api/v1/chat/rooms/${room}/messages?after=25`, { token: minji.token });
      expect(catchUp.json.items.map((m: { seq: number }) => m.seq)).toEqual([26, 27, 28, 29, 30]);
    });

    it('replies and corrections: the original and corrected text side by side', async () => {
      const original = await send(alex, { body: 'I goed to Busan yesterday.' });
      const reply = await send(minji, { body: 'Nice!', replyToId: original.json.id });
      expect(reply.json.replyTo).toMatchObject({ id: original.json.id, senderId: alex.userId, excerpt: 'I goed to Busan yesterday.' });
      const correction = await send(minji, {
        kind: 'correction',
        replyToId: original.json.id,
        originalText: 'I goed to Busan',
        body: 'I went to Busan',
      });
      expect(correction.status).toBe(200);
      expect(correction.json).toMatchObject({ kind: 'correction', originalText: 'I goed to Busan', body: 'I went to Busan' });
      const ownCorrection = await send(alex, { kind: 'correction', replyToId: original.json.id, originalText: 'I goed', body: 'I went' });
      expect(ownCorrection.status).toBe(400);
      expect(ownCorrection.json.error.details[0].field).toBe('/replyToId');
      const noOriginal = await send(minji, { kind: 'correction', replyToId: original.json.id, body: 'I went' });
      expect(noOriginal.status).toBe(400);
    });

    it('edits and deletes only my own messages', async () => {
      const mine = await send(alex, { body: 'tpyo' });
      expect(
        (await api(t, 'PATCH', `/api/v1/chat/messages/${mine.json.id}`, { token: minji.token, body: { body: 'hijack' } })).status,
      ).toBe(403);
      const edited = await api(t, 'PATCH', `/api/v1/chat/messages/${mine.json.id}`, { token: alex.token, body: { body: 'typo' } });
      expect(edited.json).toMatchObject({ body: 'typo' });
      expect(edited.json.editedAt).not.toBeNull();
      expect((await api(t, 'DELETE', `/api/v1/chat/messages/${mine.json.id}`, { token: minji.token })).status).toBe(403);
      const deleted = await api(t, 'DELETE', `/api/v1/chat/messages/${mine.json.id}`, { token: alex.token });
      expect(deleted.json).toMatchObject({ body: '' });
      expect(deleted.json.deletedAt).not.toBeNull();
      expect((await api(t, 'PATCH', `/api/v1/chat/messages/${mine.json.id}`, { token: stranger.token, body: { body: 'x' } })).status).toBe(
        404,
      );
    });

    it('counts unread messages per room and clears them with a read receipt', async () => {
      const room = (
        await api(t, 'POST', '/api/v1/chat/rooms/group', { token: minji.token, body: { name: 'Unread', memberIds: [alex.userId] } })
      ).json.id;
      await send(minji, { body: 'one' }, room);
      await send(minji, { body: 'two' }, room);
      const last = await send(minji, { body: 'three' }, room);
      const unread = (user: Client) => api(t, 'GET', `/api/v1/chat/rooms/${room}`, { token: user.token }).then((r) => r.json.unreadCount);
      expect(await unread(alex)).toBe(3);
      expect(await unread(minji)).toBe(0);
      await api(t, 'POST', `/api/v1/chat/rooms/${room}/read`, { token: alex.token, body: { seq: last.json.seq - 1 } });
      expect(await unread(alex)).toBe(1);
      // A late, older receipt does not un-read anything.
      await api(t, 'POST', `/api/v1/chat/rooms/${room}/read`, { token: alex.token, body: { seq: 1 } });
      expect(await unread(alex)).toBe(1);
      await api(t, 'POST', `/api/v1/chat/rooms/${room}/read`, { token: alex.token, body: { seq: 10_000 } });
      expect(await unread(alex)).toBe(0);
      const list = (await api(t, 'GET', '/api/v1/chat/rooms', { token: alex.token })).json.items;
      expect(list[0]).toMatchObject({ id: room, lastMessage: { body: 'three' } });
    });

    it("lists every member's read mark, so a partner's read position survives a reload", async () => {
      const room = (
        await api(t, 'POST', '/api/v1/chat/rooms/group', { token: minji.token, body: { name: 'Read marks', memberIds: [alex.userId] } })
      ).json.id;
      await send(minji, { body: 'first' }, room);
      const second = await send(minji, { body: 'second' }, room);
      const marks = async (user: Client) =>
        Object.fromEntries(
          (await api(t, 'GET', `/api/v1/chat/rooms/${room}`, { token: user.token })).json.members.map(
            (m: { id: string; lastReadSeq: number }) => [m.id, m.lastReadSeq],
          ),
        );
      expect(await marks(minji)).toEqual({ [minji.userId]: 0, [alex.userId]: 0 });
      await api(t, 'POST', `/api/v1/chat/rooms/${room}/read`, { token: alex.token, body: { seq: second.json.seq } });
      // Both sides see Alex's mark, in the single room and in the list.
      expect(await marks(minji)).toEqual({ [minji.userId]: 0, [alex.userId]: second.json.seq });
      expect(await marks(alex)).toEqual({ [minji.userId]: 0, [alex.userId]: second.json.seq });
      const listed = (await api(t, 'GET', '/api/v1/chat/rooms', { token: minji.token })).json.items.find(
        (r: { id: string }) => r.id === room,
      );
      expect(listed.members.find((m: { id: string }) => m.id === alex.userId)).toMatchObject({ lastReadSeq: second.json.seq });
      expect(listed.lastReadSeq).toBe(0);
    });

    it('finds messages in a room, case-insensitively and with wildcards taken literally', async () => {
      await send(alex, { body: 'Shall we watch a FILM tonight?' });
      await send(alex, { body: '100% sure' });
      const film = await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/search?q=film`, { token: minji.token });
      expect(film.json.items.map((m: { body: string }) => m.body)).toContain('Shall we watch a FILM tonight?');
      const percent = await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/search?q=${encodeURIComponent('0%')}`, { token: minji.token });
      expect(percent.json.items.map((m: { body: string }) => m.body)).toEqual(['100% sure']);
      expect((await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/search?q=film`, { token: stranger.token })).status).toBe(404);
    });

    it('shares an image and a voice note by upload, never inline, readable by members only', async () => {
      const image = await upload(t, minji, roomId, tinyPng(), 'busan.png');
      expect(image.status).toBe(200);
      expect(image.json).toMatchObject({ kind: 'image', contentType: 'image/png', fileName: 'busan.png' });
      const voice = await upload(t, alex, roomId, wav(), 'note.wav');
      expect(voice.json).toMatchObject({ kind: 'voice', contentType: 'audio/wav' });
      const sent = await send(minji, { kind: 'image', body: '', attachmentId: image.json.id });
      expect(sent.json.attachment).toMatchObject({ id: image.json.id, url: `/api/v1/chat/attachments/${image.json.id}` });
      expect((await send(minji, { kind: 'voice', body: '', attachmentId: voice.json.id })).status).toBe(400); // not hers
      expect((await send(alex, { kind: 'image', body: '', attachmentId: voice.json.id })).status).toBe(400); // wrong kind
      expect((await send(alex, { kind: 'voice', body: '', attachmentId: voice.json.id })).status).toBe(200);

      const fetched = await fetch(t.url + sent.json.attachment.url, { headers: { authorization: `Bearer ${alex.token}` } });
      expect(fetched.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await fetched.arrayBuffer()).equals(tinyPng())).toBe(true);
      expect((await fetch(t.url + sent.json.attachment.url, { headers: { authorization: `Bearer ${stranger.token}` } })).status).toBe(404);
      const files = await api(t, 'GET', '/api/v1/chat/files', { token: alex.token });
      expect(files.json.items.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining([image.json.id, voice.json.id]));
    });

    it("keeps a voice note's length: measured from a WAV, taken from the sender for WebM when the size can hold it", async () => {
      // 1,600 bytes of 16 kHz 16-bit mono: 50 ms, whatever the sender claims.
      const measured = await upload(t, alex, roomId, wav(), 'note.wav', { durationMs: '9000' });
      expect(measured.json).toMatchObject({ kind: 'voice', durationMs: 50 });
      // MediaRecorder's WebM has no duration in it: 6 s of Opus at 32 kbit/s is about 24 KB.
      const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(24_000)]);
      const waveform = '01234567899876543210012345678998';
      const sent = await upload(t, alex, roomId, webm, 'voice.webm', { durationMs: '6000', waveform });
      expect(sent.status, JSON.stringify(sent.json)).toBe(200);
      expect(sent.json).toMatchObject({ kind: 'voice', contentType: 'audio/webm', durationMs: 6000, waveform });
      const message = await send(alex, { kind: 'voice', body: '', attachmentId: sent.json.id });
      const history = await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/messages`, { token: minji.token });
      expect(history.json.items.find((m: { id: string }) => m.id === message.json.id).attachment).toMatchObject({
        durationMs: 6000,
        waveform,
      });
      // Ten minutes cannot fit in 24 KB: refused, nothing stored.
      const implausible = await upload(t, alex, roomId, webm, 'voice.webm', { durationMs: '600000' });
      expect(implausible.status).toBe(400);
      expect(implausible.json.error.code).toBe('VALIDATION_FAILED');
      // A malformed outline is dropped, not stored.
      expect((await upload(t, alex, roomId, webm, 'voice.webm', { durationMs: '6000', waveform: '<svg>' })).json.waveform).toBeNull();
    });

    it('refuses an unknown file type with 415 and an oversized one with 413, storing nothing', async () => {
      const uploads = path.join(t.config.dataDir, 'uploads');
      const before = countFiles(uploads);
      expect((await upload(t, minji, roomId, Buffer.from('#!/bin/sh\nrm -rf /'), 'run.sh')).status).toBe(415);
      expect((await upload(t, minji, roomId, Buffer.concat([tinyPng(), Buffer.alloc(10 * 1024 * 1024)]), 'big.png')).status).toBe(413);
      expect(countFiles(uploads)).toBe(before);
    });

    it('translates through the configured provider, and says clearly when it cannot', async () => {
      const message = await send(alex, { body: 'See you tomorrow' });
      const url = `/api/v1/chat/messages/${message.json.id}/translate`;
      expect((await api(t, 'GET', '/api/v1/config')).json.features).toEqual({ translation: true });
      ai.setMode('ok');
      const ok = await api(t, 'POST', url, { token: minji.token, body: { target: 'ko' } });
      expect(ok.json).toMatchObject({ text: '[ko] See you tomorrow', target: 'ko' });
      ai.setMode('flaky'); // first call 503, the retry succeeds
      expect((await api(t, 'POST', url, { token: minji.token, body: { target: 'ko' } })).status).toBe(200);
      expect(ai.calls()).toBe(2);
      for (const mode of ['error', 'malformed', 'slow'] as const) {
        ai.setMode(mode);
        const res = await api(t, 'POST', url, { token: minji.token, body: { target: 'ko' } });
        expect(res.status, mode).toBe(503);
        expect(res.json.error.code).toBe('UNAVAILABLE');
      }
      ai.setMode('ok');
      expect((await api(t, 'POST', url, { token: stranger.token, body: { target: 'ko' } })).status).toBe(404);
    });

    it('runs a group: owner invites, at most 20 members, hand-over, leaving passes ownership on', async () => {
      const others = await Promise.all(Array.from({ length: 19 }, () => givenUser(t)));
      const group = await api(t, 'POST', '/api/v1/chat/rooms/group', {
        token: minji.token,
        body: { name: '스터디 모임', memberIds: others.slice(0, 18).map((o) => o.userId) },
      });
      expect(group.json.members).toHaveLength(19);
      const room = group.json.id;
      expect(
        (await api(t, 'POST', `/api/v1/chat/rooms/${room}/members`, { token: others[0]!.token, body: { userId: alex.userId } })).status,
      ).toBe(403);
      expect(
        (await api(t, 'POST', `/api/v1/chat/rooms/${room}/members`, { token: minji.token, body: { userId: alex.userId } })).json.members,
      ).toHaveLength(20);
      const full = await api(t, 'POST', `/api/v1/chat/rooms/${room}/members`, { token: minji.token, body: { userId: others[18]!.userId } });
      expect(full.status).toBe(409);
      const handed = await api(t, 'PUT', `/api/v1/chat/rooms/${room}/owner`, { token: minji.token, body: { userId: alex.userId } });
      expect(handed.json.members.find((m: { id: string }) => m.id === alex.userId).role).toBe('owner');
      expect((await api(t, 'DELETE', `/api/v1/chat/rooms/${room}/members/me`, { token: alex.token })).status).toBe(204);
      const after = await api(t, 'GET', `/api/v1/chat/rooms/${room}`, { token: minji.token });
      expect(after.json.members).toHaveLength(19);
      expect(after.json.members.filter((m: { role: string }) => m.role === 'owner')).toHaveLength(1);
      expect((await api(t, 'GET', `/api/v1/chat/rooms/${room}`, { token: alex.token })).status).toBe(404);
      expect((await api(t, 'DELETE', `/api/v1/chat/rooms/${roomId}/members/me`, { token: alex.token })).status).toBe(409);
    });

    it('shows messages of a deleted account as from a deleted user', async () => {
      const leaver = await givenUser(t, { name: 'Leaver' });
      const room = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: leaver.token, body: { partnerId: minji.userId } })).json.id;
      await send(leaver, { body: 'bye for now' }, room);
      expect((await api(t, 'DELETE', '/api/v1/me', { token: leaver.token })).status).toBe(204);
      const list = (await api(t, 'GET', '/api/v1/chat/rooms', { token: minji.token })).json.items;
      const summary = list.find((r: { id: string }) => r.id === room);
      expect(summary.lastMessage.body).toBe('bye for now');
      expect(summary.members.find((m: { id: string }) => m.id === minji.userId)).toBeTruthy();
      expect(summary.members.some((m: { displayName: string }) => m.displayName === 'Leaver')).toBe(false);
    });
  });
}
