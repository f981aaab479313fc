import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { buildExport } from './helpers/exports.js';
import { api, givenAdmin, givenUser, STEP_BODIES, type Client, type TestApp } from './helpers/app.js';
import { SPAM_WINDOW_MS } from '../src/modules/safety/spam.js';
import { givenMates } from './helpers/mates.js';
import { startTwoNodes, type TwoNodes } from './helpers/two-nodes.js';
import { until } from './helpers/wait.js';

const DEFAULTS = {
  profileVisibility: 'everyone',
  showAge: true,
  showCity: true,
  showOnline: true,
  allowMatching: true,
  whoCanMessage: 'groups',
};
const ENGLISH = { native: 'en', speaks: [], learns: [{ language: 'ko', level: 'A2', partnerLevel: 'C1' }] };

async function givenOnboarded(t: TestApp, name: string, languages: object = STEP_BODIES.languages): Promise<Client> {
  const user = await givenUser(t, { name });
  const bodies = { ...STEP_BODIES, basic: { ...STEP_BODIES.basic, englishName: name }, languages };
  for (const step of ['basic', 'languages', 'interests', 'partner', 'schedule'] as const) {
    const saved = await api(t, 'PUT', `/api/v1/onboarding/${step}`, { token: user.token, body: bodies[step] });
    if (saved.status !== 200) throw new Error(`${step}: ${saved.status} ${saved.text}`);
  }
  return user;
}

/** A local server speaking the OpenAI moderation protocol: anything containing "kill" is flagged as violence. */
async function startModeration() {
  let calls = 0;
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    calls++;
    if (req.url !== '/v1/moderations' || req.method !== 'POST') return void res.writeHead(404).end();
    const { input } = JSON.parse(raw) as { input: string };
    const flagged = /kill/i.test(input);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'modr-test',
        model: 'omni-moderation-latest',
        results: [{ flagged, categories: { violence: flagged, harassment: false } }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`safety and administration [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let nodes: TwoNodes;
    let t: TestApp;
    let admin: Client;
    let moderation: Awaited<ReturnType<typeof startModeration>>;
    const room = async (a: Client, b: Client) =>
      (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: a.token, body: { partnerId: b.userId } })).json.id as string;
    const say = (from: Client, roomId: string, body: string, url = t.url) =>
      api({ url }, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, {
        token: from.token,
        body: { clientId: `c-${Math.random().toString(36).slice(2)}`, kind: 'text', body },
      });
    const flagsOf = async (user: Client) => (await api(t, 'GET', `/api/v1/admin/users/${user.userId}`, { token: admin.token })).json.flags;
    const refresh = (user: Client, url = t.url) =>
      api({ url }, 'POST', '/api/v1/auth/refresh', { headers: { cookie: user.cookie, 'x-requested-with': 'studymate' } });
    const signIn = (user: Client) => api(t, 'POST', '/api/v1/auth/dev', { body: { email: user.email, displayName: 'Again' } });

    beforeAll(async () => {
      moderation = await startModeration();
      // Many people write from one loopback address here: the per-address message limit would answer first.
      nodes = await startTwoNodes(backend, { MODERATION_API_URL: moderation.url, RATE_LIMIT_MESSAGES: '100000' });
      t = nodes.t;
      admin = await givenAdmin(t);
    });
    afterAll(async () => {
      await nodes?.close();
      await moderation?.close();
    });

    it("keeps a reported message and 20 either side as they were, after the sender edits, deletes and leaves, and the reporter sees the report's state", async () => {
      const [a, b] = [await givenUser(t, { name: 'Abuser' }), await givenUser(t, { name: 'Bora' })];
      const roomId = await room(b, a);
      const sent: string[] = [];
      for (let i = 0; i < 30; i++) sent.push((await say(i % 2 ? b : a, roomId, `message ${i}`)).json.id);
      const reported = (await say(a, roomId, 'you are worthless')).json.id as string;
      for (let i = 31; i < 60; i++) sent.push((await say(i % 2 ? b : a, roomId, `message ${i}`)).json.id);

      const made = await api(t, 'POST', '/api/v1/reports', {
        token: b.token,
        body: { userId: a.userId, messageId: reported, reason: 'harassment', comment: 'keeps insulting me' },
      });
      expect(made.status).toBe(201);
      expect(made.json).toMatchObject({ state: 'open', reason: 'harassment', subjectName: 'Abuser' });

      // The sender edits and deletes, then deletes the account.
      const earlier = sent[24]!;
      expect((await api(t, 'PATCH', `/api/v1/chat/messages/${reported}`, { token: a.token, body: { body: 'sorry' } })).status).toBe(200);
      expect((await api(t, 'DELETE', `/api/v1/chat/messages/${earlier}`, { token: a.token })).status).toBe(200);
      expect((await api(t, 'DELETE', '/api/v1/me', { token: a.token })).status).toBe(204);

      const detail = await api(t, 'GET', `/api/v1/admin/reports/${made.json.id}`, { token: admin.token });
      expect(detail.status).toBe(200);
      const evidence = detail.json.evidence as { messageId: string; body: string; reported: boolean; senderName: string }[];
      expect(evidence).toHaveLength(41);
      expect(evidence[20]).toMatchObject({ messageId: reported, body: 'you are worthless', reported: true, senderName: 'Abuser' });
      expect(evidence.find((m) => m.messageId === earlier)?.body).toBe('message 24');
      expect(evidence.filter((m) => m.reported)).toHaveLength(1);
      expect(detail.json.subject).toMatchObject({ id: a.userId, status: 'deleted' });

      // The reporter follows the state; dismissing closes it and tells them.
      expect((await api(t, 'GET', '/api/v1/reports/mine', { token: b.token })).json.items[0]).toMatchObject({
        id: made.json.id,
        state: 'open',
      });
      const dismissed = await api(t, 'POST', `/api/v1/admin/reports/${made.json.id}/actions`, {
        token: admin.token,
        body: { action: 'dismiss', reason: 'account already gone' },
      });
      expect(dismissed.json.state).toBe('dismissed');
      expect((await api(t, 'GET', '/api/v1/reports/mine', { token: b.token })).json.items[0].state).toBe('dismissed');
      // A closed report cannot be acted on twice.
      expect(
        (
          await api(t, 'POST', `/api/v1/admin/reports/${made.json.id}/actions`, {
            token: admin.token,
            body: { action: 'ban', reason: 'again' },
          })
        ).status,
      ).toBe(409);
    });

    it('refuses to report yourself, a message of someone else, or a message from a room you are not in', async () => {
      const [a, b, c] = [await givenUser(t), await givenUser(t), await givenUser(t)];
      const roomId = await room(a, b);
      const mine = (await say(b, roomId, 'hello')).json.id;
      const report = (by: Client, body: object) =>
        api(t, 'POST', '/api/v1/reports', { token: by.token, body: { reason: 'spam', comment: '', ...body } });
      expect((await report(a, { userId: a.userId })).status).toBe(400);
      expect((await report(a, { userId: c.userId, messageId: mine })).status).toBe(400);
      expect((await report(c, { userId: b.userId, messageId: mine })).status).toBe(400);
      // A report about a person copies the latest messages of their 1:1.
      const person = await report(a, { userId: b.userId, reason: 'fake-profile' });
      expect(person.status).toBe(201);
      const detail = await api(t, 'GET', `/api/v1/admin/reports/${person.json.id}`, { token: admin.token });
      expect(detail.json.evidence.map((m: { body: string }) => m.body)).toEqual(['hello']);
    });

    it('a person one blocked, or who blocked one, can still be reported, with their 1:1 as evidence', async () => {
      const [a, b] = [await givenUser(t, { name: 'Blocker' }), await givenUser(t, { name: 'Pest' })];
      const roomId = await room(a, b);
      await say(b, roomId, 'answer me now');
      expect((await api(t, 'POST', '/api/v1/matching/blocks', { token: a.token, body: { userId: b.userId } })).status).toBe(204);
      const made = await api(t, 'POST', '/api/v1/reports', {
        token: a.token,
        body: { userId: b.userId, reason: 'harassment', comment: '' },
      });
      expect(made.status).toBe(201);
      expect(made.json).toMatchObject({ subjectName: 'Pest', state: 'open' });
      const detail = await api(t, 'GET', `/api/v1/admin/reports/${made.json.id}`, { token: admin.token });
      expect(detail.json.evidence.map((m: { body: string }) => m.body)).toEqual(['answer me now']);
      // The blocked one may report back too.
      const back = await api(t, 'POST', '/api/v1/reports', { token: b.token, body: { userId: a.userId, reason: 'other', comment: '' } });
      expect(back.status).toBe(201);
    });

    it('refuses every admin route to someone who is not an administrator', async () => {
      const user = await givenUser(t);
      const paths = [
        ['GET', '/api/v1/admin/reports'],
        ['GET', `/api/v1/admin/reports/${user.userId}`],
        ['POST', `/api/v1/admin/reports/${user.userId}/actions`],
        ['GET', '/api/v1/admin/users?q=a'],
        ['GET', `/api/v1/admin/users/${user.userId}`],
        ['POST', `/api/v1/admin/users/${user.userId}/sanctions`],
        ['POST', `/api/v1/admin/users/${user.userId}/lift`],
        ['GET', '/api/v1/admin/audit'],
        ['GET', '/api/v1/admin/figures'],
        ['GET', '/api/v1/admin/words'],
      ];
      for (const [method, path] of paths) {
        const body = method === 'POST' ? { action: 'ban', kind: 'ban', reason: 'because' } : undefined;
        const res = await api(t, method!, path!, { token: user.token, body });
        expect([res.status, res.json?.error?.code], `${method} ${path}`).toEqual([403, 'FORBIDDEN']);
      }
    });

    it('a ban on one node closes the person’s connections on the other within a second, ends their refresh token and refuses their sign-in', async () => {
      const [a, b] = [await givenOnboarded(t, 'Ana', ENGLISH), await givenOnboarded(t, 'Bo')];
      const live = await nodes.connect(nodes.otherUrl, a.token);
      const bystander = await nodes.connect(nodes.otherUrl, b.token);
      const started = Date.now();
      const banned = await api(t, 'POST', `/api/v1/admin/users/${a.userId}/sanctions`, {
        token: admin.token,
        body: { kind: 'ban', reason: 'threats' },
      });
      expect(banned.status).toBe(201);
      await live.closed;
      expect(Date.now() - started).toBeLessThan(1000);
      expect(live.errors[0]?.headers.code).toBe('ACCOUNT_SUSPENDED');
      // The closed connection says why, so the app can show it.
      expect(JSON.parse(live.errors[0]!.body).error.details).toMatchObject({ kind: 'ban', until: null, reason: 'threats' });
      expect(bystander.client.connected).toBe(true);
      for (const url of [t.url, nodes.otherUrl]) {
        const refused = await refresh(a, url);
        expect([refused.status, refused.json.error.code]).toEqual([403, 'ACCOUNT_SUSPENDED']);
        expect((await api({ url }, 'GET', '/api/v1/me', { token: a.token })).status).toBe(401);
      }
      const again = await signIn(a);
      expect([again.status, again.json.error.code, again.json.error.details.kind]).toEqual([403, 'ACCOUNT_SUSPENDED', 'ban']);
      // Gone from the other person's recommendations and the profile view, on both nodes.
      for (const url of [t.url, nodes.otherUrl]) {
        const recs = await api({ url }, 'GET', '/api/v1/matching/recommendations', { token: b.token });
        expect(recs.json.items.map((c: { userId: string }) => c.userId)).not.toContain(a.userId);
        expect((await api({ url }, 'GET', `/api/v1/matching/people/${a.userId}`, { token: b.token })).status).toBe(404);
      }
      // Lifting restores them.
      expect(
        (await api(t, 'POST', `/api/v1/admin/users/${a.userId}/lift`, { token: admin.token, body: { reason: 'appeal accepted' } })).status,
      ).toBe(204);
      const back = await signIn(a);
      expect(back.status).toBe(200);
      const recs = await api({ url: nodes.otherUrl }, 'GET', '/api/v1/matching/recommendations', { token: b.token });
      expect(recs.json.items.map((c: { userId: string }) => c.userId)).toContain(a.userId);
      // The audit log names both actions, newest first, and offers no way to change them.
      const audit = await api(t, 'GET', '/api/v1/admin/audit', { token: admin.token });
      const aboutA = audit.json.items.filter((e: { subjectId: string }) => e.subjectId === a.userId);
      expect(aboutA.map((e: { action: string }) => e.action)).toEqual(['lift', 'ban']);
      // Each entry names whom it was about.
      expect(aboutA.map((e: { subjectName: string }) => e.subjectName)).toEqual(['Ana', 'Ana']);
      for (const method of ['PUT', 'PATCH', 'DELETE'])
        expect((await api(t, method, '/api/v1/admin/audit', { token: admin.token })).status).toBe(404);
    });

    it.each(['suspend', 'ban'] as const)(
      'a %s withdraws every open request the person sent or received, and nobody can accept one of theirs meanwhile',
      async (kind) => {
        const troll = await givenOnboarded(t, 'Tom Troll', ENGLISH);
        const [mina, jin, sora] = [await givenOnboarded(t, 'Mina'), await givenOnboarded(t, 'Jin'), await givenOnboarded(t, 'Sora')];
        const request = (from: Client, to: Client, message: string) =>
          api(t, 'POST', '/api/v1/matching/requests', { token: from.token, body: { receiverId: to.userId, message } });
        const waiting = async (user: Client, side: 'received' | 'sent') =>
          (await api(t, 'GET', `/api/v1/matching/requests/${side}`, { token: user.token })).json.items.map(
            (r: { partner: { userId: string } }) => r.partner.userId,
          );
        const toMina = (await request(troll, mina, 'Buy cheap crypto at scam.example, DM me')).json.id as string;
        expect((await request(troll, jin, 'hello there')).status).toBe(200);
        expect((await request(sora, troll, 'shall we talk?')).status).toBe(200);
        expect(await waiting(mina, 'received')).toContain(troll.userId);

        const sanctioned = await api(t, 'POST', `/api/v1/admin/users/${troll.userId}/sanctions`, {
          token: admin.token,
          body: { kind, reason: 'scam requests', ...(kind === 'suspend' ? { days: 3 } : {}) },
        });
        expect(sanctioned.status).toBe(201);
        // The requests leave everyone's lists: the ones the person sent and the one they received.
        await until(
          'the sanctioned person’s requests were withdrawn',
          async () => !(await waiting(jin, 'received')).includes(troll.userId),
        );
        expect(await waiting(mina, 'received')).not.toContain(troll.userId);
        expect(await waiting(sora, 'sent')).not.toContain(troll.userId);
        // Accepting from a page loaded before is refused, says why, and makes no mate.
        const accepted = await api(t, 'POST', `/api/v1/matching/requests/${toMina}/accept`, { token: mina.token });
        expect([accepted.status, accepted.json.error?.code]).toEqual([409, 'PARTNER_UNAVAILABLE']);
        expect((await api(t, 'GET', '/api/v1/matching/mates', { token: mina.token })).json.items).toEqual([]);
        // Nobody can send them a new one meanwhile.
        expect((await request(jin, troll, 'hi?')).status).toBe(404);

        // Lifted, the pairs are free again: a new request is a new request, not "already waiting".
        expect(
          (await api(t, 'POST', `/api/v1/admin/users/${troll.userId}/lift`, { token: admin.token, body: { reason: 'appeal accepted' } }))
            .status,
        ).toBe(204);
        expect((await request(sora, troll, 'shall we talk now?')).status).toBe(200);
        const back = { ...troll, token: (await signIn(troll)).json.accessToken as string };
        expect((await request(back, mina, 'sorry about before')).status).toBe(200);
      },
    );

    it('a report about someone whose only contact was a match request copies the request’s message as evidence', async () => {
      const troll = await givenOnboarded(t, 'Tom Troll', ENGLISH);
      const mina = await givenOnboarded(t, 'Mina');
      const sent = await api(t, 'POST', '/api/v1/matching/requests', {
        token: troll.token,
        body: { receiverId: mina.userId, message: 'Buy cheap crypto at scam.example, DM me' },
      });
      expect(sent.status).toBe(200);
      const made = await api(t, 'POST', '/api/v1/reports', {
        token: mina.token,
        body: { userId: troll.userId, reason: 'spam', comment: '' },
      });
      expect(made.status).toBe(201);
      const detail = await api(t, 'GET', `/api/v1/admin/reports/${made.json.id}`, { token: admin.token });
      expect(detail.json.evidence).toEqual([
        expect.objectContaining({
          messageId: sent.json.id,
          kind: 'request',
          senderId: troll.userId,
          senderName: 'Tom Troll',
          body: 'Buy cheap crypto at scam.example, DM me',
          reported: false,
        }),
      ]);
    });

    it('administrators read a banned account as banned, a suspended one as suspended, and a lifted one as active', async () => {
      const [banned, suspended] = [await givenUser(t, { name: 'Ben Banned' }), await givenUser(t, { name: 'Sue Suspended' })];
      const status = async (user: Client) => {
        const person = (await api(t, 'GET', `/api/v1/admin/users/${user.userId}`, { token: admin.token })).json.status;
        const hit = (await api(t, 'GET', `/api/v1/admin/users?q=${user.userId}`, { token: admin.token })).json.items[0].status;
        expect(hit).toBe(person);
        return person;
      };
      await api(t, 'POST', `/api/v1/admin/users/${banned.userId}/sanctions`, {
        token: admin.token,
        body: { kind: 'ban', reason: 'threats' },
      });
      await api(t, 'POST', `/api/v1/admin/users/${suspended.userId}/sanctions`, {
        token: admin.token,
        body: { kind: 'suspend', reason: 'spam', days: 2 },
      });
      expect([await status(banned), await status(suspended)]).toEqual(['banned', 'suspended']);
      await api(t, 'POST', `/api/v1/admin/users/${banned.userId}/lift`, { token: admin.token, body: { reason: 'appeal accepted' } });
      expect(await status(banned)).toBe('active');
    });

    it('administrators find a person by the name others see, beside the name from sign-in; a deleted account keeps neither', async () => {
      const user = await givenUser(t, { name: '김보라' });
      const english = `Bora Lee${Date.now().toString(36).replace(/\d/g, '')}`;
      for (const [step, body] of Object.entries({ ...STEP_BODIES, basic: { ...STEP_BODIES.basic, englishName: english } }))
        expect((await api(t, 'PUT', `/api/v1/onboarding/${step}`, { token: user.token, body })).status).toBe(200);
      const found = await api(t, 'GET', `/api/v1/admin/users?q=${encodeURIComponent(english)}`, { token: admin.token });
      expect(found.json.items).toMatchObject([{ id: user.userId, displayName: '김보라', publicName: english }]);
      const person = await api(t, 'GET', `/api/v1/admin/users/${user.userId}`, { token: admin.token });
      expect(person.json).toMatchObject({ displayName: '김보라', publicName: english });
      expect((await api(t, 'DELETE', '/api/v1/me', { token: user.token })).status).toBe(204);
      expect((await api(t, 'GET', `/api/v1/admin/users?q=${encodeURIComponent(english)}`, { token: admin.token })).json.items).toEqual([]);
      expect((await api(t, 'GET', `/api/v1/admin/users/${user.userId}`, { token: admin.token })).json.publicName).toBeNull();
    });

    it('a suspension from a report tells the person when it ends, and a warning waits for their next sign-in', async () => {
      const [a, b] = [await givenUser(t, { name: 'Aron' }), await givenUser(t)];
      const roomId = await room(b, a);
      const msg = (await say(a, roomId, 'buy followers cheap')).json.id;
      const report = (
        await api(t, 'POST', '/api/v1/reports', { token: b.token, body: { userId: a.userId, messageId: msg, reason: 'spam', comment: '' } })
      ).json;
      const queue = await api(t, 'GET', '/api/v1/admin/reports?state=open&reason=spam', { token: admin.token });
      expect(queue.json.items.map((r: { id: string }) => r.id)).toContain(report.id);
      expect(
        (
          await api(t, 'POST', `/api/v1/admin/reports/${report.id}/actions`, {
            token: admin.token,
            body: { action: 'suspend', reason: 'spam' },
          })
        ).status,
      ).toBe(400);
      const acted = await api(t, 'POST', `/api/v1/admin/reports/${report.id}/actions`, {
        token: admin.token,
        body: { action: 'suspend', reason: 'spam', days: 3 },
      });
      expect(acted.json.state).toBe('actioned');
      const refused = await signIn(a);
      expect(refused.json.error.code).toBe('ACCOUNT_SUSPENDED');
      const until = Date.parse(refused.json.error.details.until);
      expect(until - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000);
      expect(refused.json.error.message).toContain(refused.json.error.details.until);
      // The person's history shows the sanction and the report.
      const person = await api(t, 'GET', `/api/v1/admin/users/${a.userId}`, { token: admin.token });
      expect(person.json.sanctions[0]).toMatchObject({ kind: 'suspend', reason: 'spam' });
      expect(person.json.reportsAgainst[0]).toMatchObject({ id: report.id, state: 'actioned' });
      expect((await api(t, 'GET', `/api/v1/admin/users?q=${encodeURIComponent(a.email)}`, { token: admin.token })).json.items[0].id).toBe(
        a.userId,
      );

      const c = await givenUser(t);
      await api(t, 'POST', `/api/v1/admin/users/${c.userId}/sanctions`, {
        token: admin.token,
        body: { kind: 'warn', reason: 'be kind in chat' },
      });
      const standing = await api(t, 'GET', '/api/v1/me/standing', { token: (await signIn(c)).json.accessToken });
      expect(standing.json.warnings[0]).toMatchObject({ reason: 'be kind in chat' });
      // The warning is also a notification, in the person's language.
      const told = await api(t, 'GET', '/api/v1/notifications', { token: c.token });
      expect(told.json.items.find((n: { kind: string }) => n.kind === 'safety-warning')).toMatchObject({ body: 'be kind in chat' });
      // The reporter hears that their report was reviewed.
      const reporterTold = await api(t, 'GET', '/api/v1/notifications', { token: b.token });
      // ... with a link to their reports in settings (an address the app has).
      expect(reporterTold.json.items.find((n: { kind: string }) => n.kind === 'report-outcome')).toMatchObject({
        link: '/settings#safety',
      });
      await api(t, 'POST', `/api/v1/me/standing/warnings/${standing.json.warnings[0].id}/seen`, { token: c.token });
      expect((await api(t, 'GET', '/api/v1/me/standing', { token: c.token })).json.warnings).toEqual([]);
    });

    it('privacy: not matchable hides me from recommendations and search, mates-only hides my page and my 1:1, hidden online status reads offline', async () => {
      const [me, other] = [await givenOnboarded(t, 'Priya', ENGLISH), await givenOnboarded(t, 'Oh')];
      const ids = async (path: string) =>
        (await api(t, 'GET', path, { token: other.token })).json.items.map((c: { userId: string }) => c.userId);
      expect(await ids('/api/v1/matching/recommendations')).toContain(me.userId);
      // An age filter finds me while I show my age, and never once I hide it.
      expect(await ids('/api/v1/matching/search?language=en&ageMin=18&ageMax=60')).toContain(me.userId);
      await api(t, 'PUT', '/api/v1/me/privacy', { token: me.token, body: { ...DEFAULTS, showAge: false } });
      expect(await ids('/api/v1/matching/search?language=en&ageMin=18&ageMax=60')).not.toContain(me.userId);
      expect(await ids('/api/v1/matching/search?language=en')).toContain(me.userId);
      const settings = {
        profileVisibility: 'mates',
        showAge: false,
        showCity: false,
        showOnline: false,
        allowMatching: false,
        whoCanMessage: 'mates',
      };
      expect((await api(t, 'PUT', '/api/v1/me/privacy', { token: me.token, body: settings })).json).toEqual(settings);
      expect(await ids('/api/v1/matching/recommendations')).not.toContain(me.userId);
      expect(await ids('/api/v1/matching/search?language=en')).not.toContain(me.userId);
      expect((await api(t, 'GET', `/api/v1/matching/people/${me.userId}`, { token: other.token })).status).toBe(404);
      // A 1:1 with someone who is not a mate is read-only for them.
      const roomId = await room(me, other);
      const live = await nodes.connect(t.url, me.token);
      const refused = await say(other, roomId, 'hi there');
      expect(refused.json.error.code).toBe('CONTACT_CLOSED');
      const list = await api(t, 'GET', '/api/v1/chat/rooms', { token: other.token });
      const shown = (list.json.items ?? list.json)
        .find((r: { id: string }) => r.id === roomId)
        ?.members.find((m: { id: string }) => m.id === me.userId);
      expect(shown).toMatchObject({ presence: 'offline', lastSeenAt: null });
      await live.disconnect();
      // The export carries the settings; back to everyone restores.
      expect((await buildExport(t, me)).data.safety.privacy).toEqual(settings);
      await api(t, 'PUT', '/api/v1/me/privacy', {
        token: me.token,
        body: { ...settings, profileVisibility: 'everyone', allowMatching: true, whoCanMessage: 'groups' },
      });
      expect((await api(t, 'GET', `/api/v1/matching/people/${me.userId}`, { token: other.token })).json.cityId).toBeNull();
      expect((await say(other, roomId, 'hi again')).status).toBe(200);
      // As a mate, and on a request's card, the city stays hidden too.
      const asked = await api(t, 'POST', '/api/v1/matching/requests', {
        token: me.token,
        body: { receiverId: other.userId, message: 'Shall we practise?' },
      });
      expect((await api(t, 'POST', `/api/v1/matching/requests/${asked.json.id}/accept`, { token: other.token })).status).toBe(200);
      const mate = (await api(t, 'GET', '/api/v1/matching/mates', { token: other.token })).json.items.find(
        (m: { partner: { userId: string } }) => m.partner.userId === me.userId,
      );
      expect(mate.partner.cityId).toBeNull();
      expect((await api(t, 'GET', '/api/v1/matching/mates', { token: me.token })).json.items[0].partner.cityId).not.toBeNull();
    });

    it('masks Korean and English abuse for the recipient, leaves Scunthorpe-like ordinary words alone, and flags what the moderation endpoint flags', async () => {
      const [a, b] = [await givenUser(t), await givenUser(t)];
      const roomId = await room(a, b);
      for (const text of ['you are a fucking idiot', '이 씨발 놈아', '병신 같은 소리', 'ㅅㅂ 진짜'])
        expect((await say(a, roomId, text)).json.screened, text).toBe(true);
      for (const text of [
        'I grew up in Scunthorpe',
        'the class assignment is due',
        '우리 시발점에서 만나요',
        '수박씨 발라 먹자',
        'cocktail at the bass concert',
      ])
        expect((await say(a, roomId, text)).json.screened, text).toBeUndefined();
      // An administrator's own word applies at once, as a whole word only.
      await api(t, 'POST', '/api/v1/admin/words', { token: admin.token, body: { word: 'grapefruitcake' } });
      expect((await say(a, roomId, 'you grapefruitcake')).json.screened).toBe(true);
      expect((await say(a, roomId, 'grapefruitcakes are lovely')).json.screened).toBeUndefined();
      await say(a, roomId, 'I will kill the boss in this game');
      await until('the moderation endpoint flagged a message', async () => {
        const person = await api(t, 'GET', `/api/v1/admin/users/${a.userId}`, { token: admin.token });
        return person.json.flags >= 6;
      });
    });

    it('shows an abusive name masked and an abusive introduction behind "show anyway" to others, and both as written to their owner', async () => {
      const rude = await givenOnboarded(t, 'Fuckface Lee', ENGLISH);
      const other = await givenOnboarded(t, 'Olive');
      const intro = 'Learning Korean, and fuck you all';
      const saved = await api(t, 'PUT', '/api/v1/onboarding/basic', {
        token: rude.token,
        body: { ...STEP_BODIES.basic, englishName: 'Fuckface Lee', intro },
      });
      expect(saved.status).toBe(200);
      for (const url of [t.url, nodes.otherUrl]) {
        // The partner profile: the name masked, the introduction sent marked so the page hides it until asked.
        const card = await api({ url }, 'GET', `/api/v1/matching/people/${rude.userId}`, { token: other.token });
        expect(card.json).toMatchObject({ name: '****face Lee', intro, introScreened: true });
      }
      // The recommendation card too (its name is masked when shown, not when ranked).
      const recs = await api(t, 'GET', '/api/v1/matching/recommendations', { token: other.token });
      expect(recs.json.items.find((i: { userId: string }) => i.userId === rude.userId)?.name).toBe('****face Lee');
      const roomId = await room(other, rude);
      const members = async (viewer: Client) =>
        (await api(t, 'GET', `/api/v1/chat/rooms/${roomId}`, { token: viewer.token })).json.members.find(
          (m: { id: string }) => m.id === rude.userId,
        ).displayName;
      // The display name (signed in as 'Fuckface Lee') in the chat's members.
      expect(await members(other)).toBe('****face Lee');
      expect(await members(rude)).toBe('Fuckface Lee');
      const me = (await api(t, 'GET', '/api/v1/me', { token: rude.token })).json;
      expect([me.displayName, me.basic.intro]).toEqual(['Fuckface Lee', intro]);
      // An ordinary name and introduction are left as they are.
      const card = await api(t, 'GET', `/api/v1/matching/people/${other.userId}`, { token: rude.token });
      expect(card.json.name).toBe('Olive');
      expect(card.json.introScreened).toBeUndefined();
      await until('the introduction and the name were flagged', async () => (await flagsOf(rude)) >= 2);
    });

    it('a privacy change on one node closes a 1:1 on the other at once, though each node keeps what it read for minutes', async () => {
      const [me, other] = [await givenOnboarded(t, 'Pia'), await givenOnboarded(t, 'Quinn')];
      const roomId = await room(me, other);
      // The other node reads (and keeps) my standing and privacy while the 1:1 is open.
      expect((await say(other, roomId, 'hello', nodes.otherUrl)).status).toBe(200);
      expect((await say(other, roomId, 'still there?', nodes.otherUrl)).status).toBe(200);
      await api(t, 'PUT', '/api/v1/me/privacy', { token: me.token, body: { ...DEFAULTS, whoCanMessage: 'mates' } });
      // The bus tells the other node: refused there now, not after the kept copy would have run out.
      await until('the other node refuses', async () => (await say(other, roomId, 'hi?', nodes.otherUrl)).status !== 200, 2000);
      expect((await say(other, roomId, 'hi?', nodes.otherUrl)).json.error.code).toBe('CONTACT_CLOSED');
      await api(t, 'PUT', '/api/v1/me/privacy', { token: me.token, body: DEFAULTS });
      await until('the other node allows again', async () => (await say(other, roomId, 'back', nodes.otherUrl)).status === 200, 2000);
    });

    it('shows an abusive group name masked to the members and as written to its owner, and flags it', async () => {
      const owner = await givenOnboarded(t, 'Gina');
      const member = await givenOnboarded(t, 'Hugo');
      const created = await api(t, 'POST', '/api/v1/chat/rooms/group', {
        token: owner.token,
        body: { name: 'Fuckface club', memberIds: [member.userId] },
      });
      expect(created.status).toBe(200);
      expect(created.json.name).toBe('Fuckface club');
      for (const url of [t.url, nodes.otherUrl]) {
        const seen = await api({ url }, 'GET', `/api/v1/chat/rooms/${created.json.id}`, { token: member.token });
        expect(seen.json.name).toBe('****face club');
      }
      const list = (await api(t, 'GET', '/api/v1/chat/rooms', { token: member.token })).json.items;
      expect(list.find((r: { id: string }) => r.id === created.json.id).name).toBe('****face club');
      await until('the group name was flagged', async () => (await flagsOf(owner)) >= 1);
      // An ordinary group name is left alone and not flagged.
      const plain = await api(t, 'POST', '/api/v1/chat/rooms/group', {
        token: member.token,
        body: { name: 'Film club', memberIds: [owner.userId] },
      });
      expect((await api(t, 'GET', `/api/v1/chat/rooms/${plain.json.id}`, { token: owner.token })).json.name).toBe('Film club');
      expect(await flagsOf(member)).toBe(0);
    });

    it('flags a burst of 500 near-identical messages to 50 people spread over two nodes as spam, once, and throttles it on both', async () => {
      const spammer = await givenUser(t);
      const people = await Promise.all(Array.from({ length: 50 }, () => givenUser(t)));
      const rooms: string[] = [];
      for (const p of people) rooms.push(await room(spammer, p));
      // Bursts are counted in aligned windows: a burst across a window's edge would be two bursts, two flags.
      const left = SPAM_WINDOW_MS - (Date.now() % SPAM_WINDOW_MS);
      if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left));
      let sent = 0;
      let refused = 0;
      for (let i = 0; i < 500; i++) {
        const url = i % 2 ? nodes.otherUrl : t.url;
        const res = await say(spammer, rooms[i % 50]!, `Earn $$$ fast!! visit my page ${i % 3 ? '' : '!!!'}`, url);
        if (res.status === 200) sent++;
        else if (res.json.error.code === 'RATE_LIMITED') refused++;
      }
      expect(refused).toBeGreaterThan(400);
      expect(sent).toBeLessThan(100);
      await until('the spammer was flagged', async () => (await flagsOf(spammer)) >= 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // One burst, one flag: the nodes count it together, not each on its own.
      expect(await flagsOf(spammer)).toBe(1);
      // Under the limit on each node, over it together: three people through one node, three through the other.
      const sly = await givenUser(t);
      const slyRooms: string[] = [];
      for (const p of people.slice(0, 7)) slyRooms.push(await room(sly, p));
      for (const [i, roomId] of slyRooms.slice(0, 6).entries())
        await say(sly, roomId, 'cheap followers, message me', i < 3 ? t.url : nodes.otherUrl);
      await until('the spread-out burst was flagged', async () => (await flagsOf(sly)) >= 1);
      for (const url of [t.url, nodes.otherUrl])
        expect((await say(sly, slyRooms[6]!, 'cheap followers, message me', url)).json.error?.code).toBe('RATE_LIMITED');
      // Ordinary people writing the same greeting to a few partners are not throttled.
      const friendly = await givenUser(t);
      for (const [i, p] of people.slice(0, 4).entries())
        expect((await say(friendly, await room(friendly, p), 'hello! nice to meet you', i % 2 ? nodes.otherUrl : t.url)).status).toBe(200);
    }, 90_000);

    it('counts a completed call and its minutes in the platform figures', async () => {
      const { a, b } = await givenMates(t, ['Calla', 'Cole']);
      const callId = (await api(t, 'POST', '/api/v1/calls', { token: a.token, body: { mateId: b.userId, kind: 'voice' } })).json.id;
      await api(t, 'POST', `/api/v1/calls/${callId}/accept`, { token: b.token });
      const send = async (user: Client, url: string, payload: object) => {
        const stomp = await nodes.connect(url, user.token);
        await stomp.subscribe(`/sub/calls/${callId}`);
        await stomp.receipt((receipt) =>
          stomp.client.publish({ destination: `/pub/calls/${callId}`, body: JSON.stringify(payload), headers: { receipt } }),
        );
        return stomp;
      };
      const aIn = await send(a, t.url, { type: 'join' });
      await send(b, nodes.otherUrl, { type: 'join' });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await aIn.receipt((receipt) =>
        aIn.client.publish({ destination: `/pub/calls/${callId}`, body: JSON.stringify({ type: 'hangup' }), headers: { receipt } }),
      );
      const view = async () => (await api(t, 'GET', `/api/v1/calls/${callId}`, { token: a.token })).json;
      await until('the call ended', async () => (await view()).state === 'ended');
      const ended = await view();
      expect(ended.connectedSeconds).toBeGreaterThanOrEqual(2);
      const figures = (await api(t, 'GET', '/api/v1/admin/figures?days=7', { token: admin.token })).json;
      expect(figures.calls).toHaveLength(7);
      expect(figures.calls.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), value: 1 });
      expect(figures.callMinutes.at(-1).value).toBeCloseTo(ended.connectedSeconds / 60, 1);
      expect(figures.calls.slice(0, -1).every((d: { value: number }) => d.value === 0)).toBe(true);
    });

    it('shows platform figures per day: sign-ups, daily active people, messages, and open reports with their median age', async () => {
      const figures = await api(t, 'GET', '/api/v1/admin/figures?days=7', { token: admin.token });
      expect(figures.status).toBe(200);
      expect(figures.json.signUps).toHaveLength(7);
      const today = new Date().toISOString().slice(0, 10);
      expect(figures.json.signUps.at(-1)).toMatchObject({ day: today });
      expect(figures.json.signUps.at(-1).value).toBeGreaterThan(10);
      expect(figures.json.dailyActive.at(-1).value).toBeGreaterThan(10);
      expect(figures.json.messages.at(-1).value).toBeGreaterThan(50);
      expect(figures.json.reportsOpen).toBeGreaterThanOrEqual(1);
      expect(figures.json.reportsOpenMedianHours).toBeGreaterThanOrEqual(0);
    });
  });
}
