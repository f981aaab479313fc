import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchingTables } from '../src/modules/matching/repository.js';
import { openDatabase } from '../src/platform/db/database.js';
import { api, ENGLISH, givenOnboarded, KOREAN, startApp, type Client, type TestApp } from './helpers/app.js';
import { BACKENDS } from './helpers/backends.js';
import { until } from './helpers/wait.js';

interface Totals {
  given: number;
  accepted: number;
  received: number;
  accepted_by: number;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`matching: decision totals [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    let db: Kysely<MatchingTables>;
    const request = (from: Client, to: Client) =>
      api(t, 'POST', '/api/v1/matching/requests', { token: from.token, body: { receiverId: to.userId, message: 'Shall we practise?' } });

    /** The running totals as stored (zeros for someone with none). */
    const stored = async (ids: string[]) => {
      const rows = await db.selectFrom('matching_facts').selectAll().where('user_id', 'in', ids).execute();
      const byId = new Map(rows.map((r) => [r.user_id, r]));
      return ids.map((id) => {
        const r = byId.get(id);
        return {
          given: Number(r?.given ?? 0),
          accepted: Number(r?.accepted ?? 0),
          received: Number(r?.received ?? 0),
          accepted_by: Number(r?.accepted_by ?? 0),
        };
      });
    };
    /** The same totals counted afresh from the decision events. */
    const counted = async (ids: string[]) => {
      const rows = await sql<{ actor_id: string; subject_id: string; kind: string }>`select actor_id, subject_id, kind from match_events
        where kind in ('request', 'accept', 'decline', 'ignore')`.execute(db);
      return ids.map((id) => {
        const t: Totals = { given: 0, accepted: 0, received: 0, accepted_by: 0 };
        for (const e of rows.rows) {
          const yes = e.kind === 'request' || e.kind === 'accept' ? 1 : 0;
          if (e.actor_id === id) [t.given, t.accepted] = [t.given + 1, t.accepted + yes];
          if (e.subject_id === id) [t.received, t.accepted_by] = [t.received + 1, t.accepted_by + yes];
        }
        return t;
      });
    };

    beforeAll(async () => {
      // The effects are refitted every second here (every 10 minutes by default).
      t = await startApp(backend, { MATCH_EFFECTS_SECONDS: '1', JOBS_POLL_MS: '50' });
      db = await openDatabase<MatchingTables>(t.config.database);
    });
    afterAll(async () => {
      await db?.destroy();
      await t?.close();
    });

    it('keeps each person’s totals equal to their decisions when many are made at once, and takes a deleted person’s decisions back from the others', async () => {
      const alex = await givenOnboarded(t, 'Alex', ENGLISH);
      const sam = await givenOnboarded(t, 'Sam', ENGLISH);
      const koreans = await Promise.all(['Minji', 'Sora', 'Jisu', 'Hana', 'Yuna', 'Dami'].map((name) => givenOnboarded(t, name, KOREAN)));
      // Six people ask Alex and Sam at the same moment.
      const sent = await Promise.all(koreans.flatMap((k) => [request(k, alex), request(k, sam)]));
      expect(sent.map((s) => s.status)).toEqual(sent.map(() => 200));
      // Alex accepts three and declines three, all at once; Sam accepts two.
      const toAlex = sent.filter((_, i) => i % 2 === 0);
      const toSam = sent.filter((_, i) => i % 2 === 1);
      const answers = await Promise.all([
        ...toAlex.map((s, i) =>
          api(t, 'POST', `/api/v1/matching/requests/${s.json.id}/${i < 3 ? 'accept' : 'decline'}`, { token: alex.token }),
        ),
        ...toSam.slice(0, 2).map((s) => api(t, 'POST', `/api/v1/matching/requests/${s.json.id}/accept`, { token: sam.token })),
      ]);
      // A decline answers with no content (the sender is not told).
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 204, 204, 204, 200, 200]);

      const everyone = [alex, sam, ...koreans].map((c) => c.userId);
      expect(await stored(everyone)).toEqual(await counted(everyone));
      const [alexTotals, samTotals, minji] = await stored(everyone);
      expect(alexTotals).toEqual({ given: 6, accepted: 3, received: 6, accepted_by: 6 });
      expect(samTotals).toEqual({ given: 2, accepted: 2, received: 6, accepted_by: 6 });
      expect(minji).toEqual({ given: 2, accepted: 2, received: 2, accepted_by: 2 });

      // Alex leaves: the Koreans no longer count Alex's answers, nor their requests to Alex.
      expect((await api(t, 'DELETE', '/api/v1/me', { token: alex.token })).status).toBe(204);
      const rest = [sam, ...koreans].map((c) => c.userId);
      expect(await stored(rest)).toEqual(await counted(rest));
      expect((await stored([alex.userId]))[0]).toEqual({ given: 0, accepted: 0, received: 0, accepted_by: 0 });
      expect((await stored([koreans[0]!.userId]))[0]).toEqual({ given: 1, accepted: 1, received: 1, accepted_by: 1 });
    });

    it('fits everyone’s decision effects from the latest decisions, and ranks a partner everyone accepts above one everyone declines', async () => {
      const viewer = await givenOnboarded(t, 'Viewer', KOREAN);
      const [liked, passed] = await Promise.all([givenOnboarded(t, 'Liked', ENGLISH), givenOnboarded(t, 'Passed', ENGLISH)]);
      const deciders = await Promise.all(['Bora', 'Chae', 'Duri', 'Eun'].map((name) => givenOnboarded(t, name, KOREAN)));
      // Each decider asks both; Liked accepts them all, and they all look on Passed's asks as Passed declines.
      for (const d of deciders) {
        const [toLiked] = await Promise.all([request(d, liked), request(passed, d)]);
        expect((await api(t, 'POST', `/api/v1/matching/requests/${toLiked.json.id}/accept`, { token: liked.token })).status).toBe(200);
      }
      const received = (await api(t, 'GET', '/api/v1/matching/requests/received', { token: deciders[0]!.token })).json.items;
      for (const d of deciders) {
        const mine = (await api(t, 'GET', '/api/v1/matching/requests/received', { token: d.token })).json.items as { id: string }[];
        for (const r of mine)
          expect((await api(t, 'POST', `/api/v1/matching/requests/${r.id}/decline`, { token: d.token })).status).toBe(204);
      }
      expect(received.length).toBe(1);

      const events = Number(
        (
          await sql<{ n: number }>`select count(*) as n from match_events where kind in ('request', 'accept', 'decline', 'ignore')`.execute(
            db,
          )
        ).rows[0]!.n,
      );
      await until('a fit that saw every decision', async () => {
        const fit = await db.selectFrom('matching_effects_fit').selectAll().executeTakeFirst();
        return Number(fit?.decisions ?? 0) === events;
      });
      const effects = await db
        .selectFrom('matching_facts')
        .select(['user_id', 'accepted_effect', 'accepts_effect'])
        .where('user_id', 'in', [liked.userId, passed.userId])
        .execute();
      const of = (id: string) => effects.find((e) => e.user_id === id)!;
      expect(Number(of(liked.userId).accepted_effect)).toBeGreaterThan(Number(of(passed.userId).accepted_effect));
      // The viewer, who decided nothing yet, has no effects; both candidates are ranked with theirs.
      expect(
        (await db.selectFrom('matching_facts').select('accepts_effect').where('user_id', '=', viewer.userId).executeTakeFirst())
          ?.accepts_effect ?? null,
      ).toBeNull();
      const page = await api(t, 'GET', '/api/v1/matching/recommendations', { token: viewer.token });
      const ids = (page.json.items as { userId: string }[]).map((i) => i.userId);
      expect(ids).toContain(liked.userId);
      expect(ids).toContain(passed.userId);
      expect(ids.indexOf(liked.userId)).toBeLessThan(ids.indexOf(passed.userId));
    });

    it('records every card a viewer is shown, apart from the decisions, within a couple of seconds', async () => {
      const viewer = await givenOnboarded(t, 'Looker', KOREAN);
      const page = await api(t, 'GET', '/api/v1/matching/recommendations', { token: viewer.token });
      const ids = (page.json.items as { userId: string }[]).map((i) => i.userId);
      expect(ids.length).toBeGreaterThan(0);
      const shownTo = async () =>
        (
          await db
            .selectFrom('match_events')
            .select('subject_id')
            .where('actor_id', '=', viewer.userId)
            .where('kind', '=', 'shown')
            .execute()
        ).map((r) => r.subject_id);
      await until('the shown cards are recorded', async () => (await shownTo()).length === ids.length, 5000);
      expect((await shownTo()).sort()).toEqual([...ids].sort());
      expect((await stored([viewer.userId]))[0]).toEqual({ given: 0, accepted: 0, received: 0, accepted_by: 0 });
    });
  });
}
