import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeNotification } from '@studymate/contracts';
import { loadConfig } from '../src/config.js';
import { migrations } from '../src/migrations/index.js';
import { removeOlderThan, type NotificationsTables } from '../src/modules/notifications/repository.js';
import { createNotificationsService } from '../src/modules/notifications/service.js';
import { isMysql, openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { BACKENDS } from './helpers/backends.js';

/** The migrations up to (and with) the one named. */
const migrationsThrough = (last: string) => Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= last));

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`notification contents [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let db: Kysely<any>;
    let drop: () => Promise<void>;
    const people = ['minji', 'alex', 'sam', 'hana'].map((name) => ({ name, id: randomUUID() }));
    const [minji, alex, sam, hana] = people.map((p) => p.id) as [string, string, string, string];
    const pushed: { userId: string; notification: RealtimeNotification }[] = [];

    /** One node's notifications, as the module wires them; a second call is a node started afresh. */
    const node = () =>
      createNotificationsService({
        db: db as Kysely<NotificationsTables>,
        async push(deliveries) {
          for (const d of deliveries)
            pushed.push({ userId: d.userId, notification: 'json' in d ? (JSON.parse(d.json) as RealtimeNotification) : d.payload });
        },
        activeAccounts: async (ids) => ids.filter((id) => people.some((p) => p.id === id)),
        everyoneActive: async (after, limit) =>
          people
            .map((p) => p.id)
            .sort()
            .filter((id) => after === null || id > after)
            .slice(0, limit),
        announceSettingsChange: async () => {},
        logError: () => {},
      });
    const listOf = async (notifications: ReturnType<typeof node>, userId: string) => {
      const listed = await notifications.list(userId, {});
      if (!listed.ok) throw listed.error;
      return listed.value;
    };
    const told = (userId: string, kind = 'announcement') => pushed.filter((p) => p.userId === userId && p.notification.kind === kind);
    const contents = async () =>
      Number(
        (
          await db
            .selectFrom('notification_contents')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      const provisioned = await backend.provision();
      drop = provisioned.drop;
      db = await openDatabase(loadConfig(provisioned.env).database);
      await migrateToLatest(db, migrationsThrough('0018_sweep_and_range_indexes'));
      await db
        .insertInto('users')
        .values(
          people.map((p) => ({ id: p.id, display_name: p.name, role: 'user', status: 'active', created_at: 0, marketing_consent: 0 })),
        )
        .execute();
      await db.insertInto('notification_settings').values({ user_id: alex, locale: 'en', updated_at: 0, preferences: null }).execute();
    });
    afterAll(async () => {
      await db?.destroy();
      await drop?.();
    });

    it('moves notifications stored one full row each into shared contents, and a repeat after the move is still recognised', async () => {
      const now = Date.now();
      const old = (userId: string, key: string | null, title: string) => ({
        id: randomUUID(),
        user_id: userId,
        category: 'system',
        kind: key?.startsWith('announcement:') ? 'announcement' : 'match-request',
        title_ko: title,
        title_en: title,
        body_ko: null,
        body_en: null,
        link: null,
        dedupe_key: key,
        read_at: null,
        created_at: now - 1000,
      });
      await db
        .insertInto('notifications')
        .values([
          old(minji, 'announcement:spring', 'Spring'),
          old(alex, 'announcement:spring', 'Spring'),
          old(minji, 'match-request:1', 'Alex'),
          old(alex, null, 'Welcome'),
        ])
        .execute();
      await migrateToLatest(db, migrations);
      // One content for the announcement both hold, one for each of the others.
      expect(await contents()).toBe(3);

      const notifications = node();
      const listed = await listOf(notifications, alex);
      expect(listed.unread).toBe(2);
      expect(listed.items.map((n) => n.title).sort()).toEqual(['Spring', 'Welcome']);
      // The same key sent again after the move stores nothing and tells nobody.
      await notifications.send({
        userId: minji,
        category: 'match',
        kind: 'match-request',
        title: { ko: 'Alex', en: 'Alex' },
        key: 'match-request:1',
      });
      const again = await notifications.announce({ id: 'spring', recipients: [minji, alex], title: { ko: 'Spring', en: 'Spring' } });
      expect(again).toEqual({ id: 'spring', recipients: 2, stored: 0 });
      expect(pushed).toEqual([]);
      expect(await notifications.unread(minji)).toBe(2);
    });

    it('stores an announcement’s words once, and each person’s count and language stay right', async () => {
      const notifications = node();
      const before = await contents();
      const reply = await notifications.announce({
        id: randomUUID(),
        recipients: [minji, alex, sam],
        title: { ko: '점검', en: 'Maintenance' },
        body: { ko: '오늘 밤', en: 'Tonight' },
        link: '/notifications',
      });
      expect(reply).toMatchObject({ recipients: 3, stored: 3 });
      expect(await contents()).toBe(before + 1);
      expect(told(alex)).toMatchObject([{ notification: { title: 'Maintenance', body: 'Tonight', link: '/notifications', unread: 3 } }]);
      expect(told(minji)).toMatchObject([{ notification: { title: '점검', body: '오늘 밤', unread: 3 } }]);
      expect(told(sam)).toMatchObject([{ notification: { title: '점검', unread: 1 } }]);
      for (const { userId, notification } of pushed) {
        const listed = await listOf(notifications, userId);
        expect(listed.unread).toBe(notification.unread);
        expect(listed.items[0]).toMatchObject({ id: notification.id, title: notification.title, read: false });
      }
      // Marking one read and deleting another move the count the next push carries.
      const [newest, older] = (await listOf(notifications, minji)).items;
      await notifications.markRead(minji, [newest!.id]);
      expect((await notifications.remove(minji, older!.id)).ok).toBe(true);
      await notifications.send({ userId: minji, category: 'match', kind: 'match-request', title: { ko: 'Sam', en: 'Sam' } });
      expect(told(minji, 'match-request').at(-1)!.notification.unread).toBe(2);
      expect(await notifications.unread(minji)).toBe(2);
    });

    it('drops words nobody holds any more: a deleted notification’s, an erased person’s, and the 90-day-old', async () => {
      const notifications = node();
      pushed.length = 0;
      await notifications.send({ userId: hana, category: 'match', kind: 'match-request', title: { ko: '비밀', en: 'Secret' } });
      const shared = await notifications.announce({ id: randomUUID(), recipients: [hana, sam], title: { ko: '공지', en: 'Notice' } });
      expect(shared.stored).toBe(2);
      const before = await contents();
      const mine = (await listOf(notifications, hana)).items;
      // Both may carry the same millisecond, so their order is not asserted here.
      expect(mine.map((n) => n.title).sort()).toEqual(['공지', '비밀'].sort());
      const notice = mine.find((n) => n.title === '공지')!;
      // Deleting the announcement keeps its words for Sam; erasing Hana drops the words only she held.
      expect((await notifications.remove(hana, notice.id)).ok).toBe(true);
      expect(await contents()).toBe(before);
      await db.transaction().execute((tx) => notifications.participant.erase(tx, hana));
      expect(await contents()).toBe(before - 1);
      expect((await listOf(notifications, sam)).items[0]).toMatchObject({ title: '공지' });

      expect(await notifications.prune(-60_000)).toBeGreaterThan(0);
      expect(await contents()).toBe(0);
      expect(await listOf(notifications, sam)).toMatchObject({ unread: 0, items: [] });
    });

    it('loses nobody when the database fails for one person mid-announcement: those stored are told, and the retry on a restarted node tells only the one missed', async () => {
      pushed.length = 0;
      const failing = isMysql(db)
        ? sql`create trigger fail_for_sam before insert on notifications for each row begin if new.user_id = ${sql.lit(sam)} then signal sqlstate '45000' set message_text = 'disk trouble'; end if; end`
        : sql`create trigger fail_for_sam before insert on notifications when new.user_id = ${sql.lit(sam)} begin select raise(abort, 'disk trouble'); end`;
      await failing.execute(db);
      const notice = { id: randomUUID(), recipients: 'everyone' as const, title: { ko: '새 기능', en: 'New feature' } };
      await expect(node().announce(notice)).rejects.toThrow(/disk trouble/);
      expect(told(sam)).toEqual([]);
      expect(told(minji)).toHaveLength(1);
      expect(told(alex)).toHaveLength(1);
      await sql`drop trigger fail_for_sam`.execute(db);

      const retried = await node().announce(notice);
      expect(retried).toMatchObject({ recipients: 4, stored: 1 });
      for (const userId of [minji, alex, sam]) {
        expect(told(userId)).toHaveLength(1);
        expect(told(userId)[0]!.notification.unread).toBe(await node().unread(userId));
      }
    });

    it('keeps each person’s unread count equal to their unread rows through sends, repeats, two nodes at once, reads, deletes, the prune and an erase', async () => {
      await db.deleteFrom('notifications').execute();
      await db.deleteFrom('notification_counts').execute();
      const fresh = async () => {
        const rows = await db
          .selectFrom('notifications')
          .select(['user_id', (eb) => eb.fn.countAll().as('n')])
          .where('read_at', 'is', null)
          .groupBy('user_id')
          .execute();
        return new Map(rows.map((r) => [r.user_id as string, Number(r.n)]));
      };
      const expectKeptRight = async () => {
        const counted = await fresh();
        for (const { id } of people) expect([id, await node().unread(id)]).toEqual([id, counted.get(id) ?? 0]);
      };
      const [one, two] = [node(), node()];
      const pushedBefore = pushed.length;
      const sendTo = (n: ReturnType<typeof node>, userId: string, i: number) =>
        n.send({ userId, category: 'chat', kind: 'chat-message', title: { ko: `${i}`, en: `${i}` }, key: `count-${i % 7}` });
      // Two nodes at once, each key sent twice over: repeats store nothing and count nothing.
      await Promise.all([
        ...Array.from({ length: 14 }, (_, i) => sendTo(one, minji, i)),
        ...Array.from({ length: 14 }, (_, i) => sendTo(two, minji, i)),
        ...Array.from({ length: 10 }, (_, i) => sendTo(i % 2 ? one : two, alex, i)),
        one.announce({ id: randomUUID(), recipients: [minji, alex, sam], title: { ko: '하나', en: 'One' } }),
        two.announce({ id: randomUUID(), recipients: 'everyone', title: { ko: '둘', en: 'Two' } }),
      ]);
      expect(await fresh()).toEqual(
        new Map([
          [minji, 9],
          [alex, 9],
          [sam, 2],
          [hana, 1],
        ]),
      );
      await expectKeptRight();
      // The bell ends at the count: a batch holding several of a person's rows tells each the count after all of them.
      const highestTold = (userId: string) =>
        Math.max(...pushed.slice(pushedBefore).flatMap((p) => (p.userId === userId ? [p.notification.unread ?? 0] : [])));
      expect(people.map((p) => highestTold(p.id))).toEqual([9, 9, 2, 1]);
      // Three at once to one person: the second and third share a batch at least, and each says 4.
      const toHana = pushed.length;
      await Promise.all(
        [1, 2, 3].map((i) => one.send({ userId: hana, category: 'chat', kind: 'chat-message', title: { ko: `${i}`, en: `${i}` } })),
      );
      expect(pushed.slice(toHana).filter((p) => p.notification.unread === 4).length).toBeGreaterThanOrEqual(2);

      const mine = (await listOf(one, minji)).items;
      expect(await one.markRead(minji, [mine[0]!.id, mine[1]!.id])).toBe(7);
      expect((await two.remove(minji, mine[2]!.id)).ok).toBe(true);
      await expectKeptRight();
      // A count put wrong by hand mends itself the next time the person reads.
      await db.updateTable('notification_counts').set({ unread: 40 }).where('user_id', '=', alex).execute();
      const theirs = (await listOf(one, alex)).items;
      await one.markRead(alex, [theirs.at(-1)!.id]);
      await expectKeptRight();

      // The prune takes the old unread ones out of the count and leaves the newer.
      await db.updateTable('notifications').set({ created_at: 1 }).where('user_id', '=', sam).execute();
      await one.send({ userId: sam, category: 'match', kind: 'match-request', title: { ko: '새', en: 'New' } });
      await one.prune(Date.now() - 1000);
      expect(await one.unread(sam)).toBe(1);
      await expectKeptRight();

      await one.markRead(minji, 'all');
      expect(await one.unread(minji)).toBe(0);
      await db.transaction().execute((tx) => one.participant.erase(tx, alex));
      expect(await db.selectFrom('notification_counts').select('user_id').where('user_id', '=', alex).execute()).toEqual([]);
      await expectKeptRight();
    });

    it('prunes the old a few rows at a time, and every person’s count is still their unread rows after it', async () => {
      await db.deleteFrom('notifications').execute();
      await db.deleteFrom('notification_counts').execute();
      const n = node();
      for (const { id } of people)
        for (const i of [1, 2, 3]) await n.send({ userId: id, category: 'chat', kind: 'chat-message', title: { ko: `${i}`, en: `${i}` } });
      // Minji read one of hers; hers, Sam's and one of Alex's were stored long ago.
      await n.markRead(minji, [(await listOf(n, minji)).items[0]!.id]);
      const alexOld = (await listOf(n, alex)).items[0]!.id;
      await db
        .updateTable('notifications')
        .set({ created_at: 1 })
        .where((eb) => eb.or([eb('user_id', 'in', [minji, sam]), eb('id', '=', alexOld)]))
        .execute();
      // Two rows a step: seven old rows take four steps.
      expect(await removeOlderThan(db as Kysely<NotificationsTables>, Date.now() - 1000, 2)).toBe(7);
      expect(await Promise.all(people.map((p) => n.unread(p.id)))).toEqual([0, 2, 0, 3]);
      const left = await db.selectFrom('notifications').select(['user_id', 'read_at']).execute();
      expect(people.map((p) => left.filter((r) => r.user_id === p.id && r.read_at === null).length)).toEqual([0, 2, 0, 3]);
    });
  });
}
