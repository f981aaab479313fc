import { Redis } from 'ioredis';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InProcessBus, RedisBus, type Bus } from '../src/platform/bus/bus.js';
import { MemoryCache, RedisCache, type Cache } from '../src/platform/cache/cache.js';
import { createScreening } from '../src/modules/safety/screening.js';
import { SPAM_WINDOW_MS } from '../src/modules/safety/spam.js';

/**
 * A screening node without a database: the administrators' list is empty and the flags it would
 * store are kept in `flags`, so a test can count them.
 */
function screeningNode(shared: { cache: Cache; bus: Bus }, flags: { user_id: string; source: string }[] = []) {
  return createScreening({
    db: {
      selectFrom: () => ({ selectAll: () => ({ orderBy: () => ({ execute: async () => [] }) }) }),
      insertInto: () => ({ values: (row: { user_id: string; source: string }) => ({ execute: async () => void flags.push(row) }) }),
    } as never,
    ...shared,
    moderation: null,
    log: { warn() {} },
  });
}
const screening = screeningNode({ cache: new MemoryCache(), bus: new InProcessBus() });

describe('screening by word lists', () => {
  it.each(['what the fuck', 'you are a b1tch', 'shut up, asshole', '씨발 진짜', '이 병신아', '개새끼', 'ㅅㅂ', '씨 발'])(
    'masks abuse: %s',
    (text) => expect(screening.check(text).masked).toBe(true),
  );
  it.each([
    'Scunthorpe is a town',
    'the class assignment is due tomorrow',
    'a cocktail after the bass concert',
    'Sussex and Essex',
    'an assessment of the grass',
    '시발점에서 출발합니다',
    '수박씨를 발라 먹어요',
    '고기를 꼭꼭 씹어 먹어',
    '병신년은 1956년이었다',
    '안녕하세요 반가워요',
  ])('leaves ordinary words alone (the Scunthorpe problem): %s', (text) => expect(screening.check(text).masked).toBe(false));
  it('never throws on any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 500 }), (text) => typeof screening.check(text).masked === 'boolean'));
  });
});

describe('masking names', () => {
  it.each([
    ['Fuckface', '****face'],
    ['개새끼 민수', '*** 민수'],
    ['Minji Kim', 'Minji Kim'],
    ['Scunthorpe Sam', 'Scunthorpe Sam'],
    ['씨 발', '* *'],
  ])('%s is shown to others as %s', (name, shown) => expect(screening.mask(name)).toBe(shown));
  it('leaves nothing the lists would find', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => !screening.check(screening.mask(text)).masked));
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const redisUrl = process.env.TEST_REDIS_URL;
const connections: Redis[] = [];
afterAll(() => connections.forEach((c) => c.disconnect()));

/** Two server nodes' screening sharing one cache and bus: in-process, and Redis when TEST_REDIS_URL is set. */
const SHARED: { name: string; skip: string | null; make(): { cache: Cache; bus: Bus }[] }[] = [
  {
    name: 'in-process',
    skip: null,
    make() {
      const shared = { cache: new MemoryCache(), bus: new InProcessBus() };
      return [shared, shared];
    },
  },
  {
    name: 'redis',
    skip: redisUrl ? null : 'TEST_REDIS_URL is not set',
    make() {
      // Each node with its own connections, as two processes would have.
      const prefix = `screening-test-${Date.now()}-${Math.random().toString(36).slice(2)}:`;
      return [0, 1].map(() => {
        const redis = new Redis(redisUrl!, { maxRetriesPerRequest: 2 });
        connections.push(redis);
        const bus = RedisBus.over(redis, prefix);
        return { cache: new RedisCache(redis, prefix), bus };
      });
    },
  },
];

for (const backend of SHARED) {
  describe.skipIf(backend.skip)(`spam bursts over two nodes [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    it('a 500-message burst to 50 people spread over two nodes is flagged once and throttled on both', async () => {
      const flags: { user_id: string; source: string }[] = [];
      const nodes = backend.make().map((shared) => screeningNode(shared, flags));
      await sleep(50); // the bus subscriptions
      // Bursts are counted in aligned windows: one across a window's edge would be two bursts.
      if (SPAM_WINDOW_MS - (Date.now() % SPAM_WINDOW_MS) < 5000) await sleep(SPAM_WINDOW_MS - (Date.now() % SPAM_WINDOW_MS));
      let sent = 0;
      for (let i = 0; i < 500; i++) {
        const verdict = nodes[i % 2]!.screenMessage('spammer', `room-${i % 50}`, `Earn $$$ fast!! visit my page ${i % 3 ? '' : '!!!'}`);
        if (!verdict.spam) sent++;
        // Messages arrive over time (an HTTP or STOMP round trip each): the nodes reconcile meanwhile.
        if (i % 5 === 4) await sleep(2);
      }
      await Promise.all(nodes.map((n) => n.settle()));
      expect(sent).toBeLessThan(20);
      expect(flags.filter((f) => f.user_id === 'spammer' && f.source === 'spam')).toHaveLength(1);
      // Throttled everywhere: the text is refused on both nodes, in rooms old and new.
      for (const node of nodes) expect(node.screenMessage('spammer', 'room-new', 'Earn $$$ fast!! visit my page').spam).toBe(true);
      nodes.forEach((n) => n.close());
    });

    it('a burst that stays under the limit on each node is still caught: three rooms on one, three on the other', async () => {
      const flags: { user_id: string; source: string }[] = [];
      const [a, b] = backend.make().map((shared) => screeningNode(shared, flags));
      await sleep(50);
      for (const room of ['r1', 'r2', 'r3']) expect(a!.screenMessage('sly', room, 'cheap followers here').spam).toBe(false);
      await a!.settle();
      for (const room of ['r4', 'r5', 'r6']) b!.screenMessage('sly', room, 'cheap followers here');
      await b!.settle();
      expect(flags.filter((f) => f.user_id === 'sly' && f.source === 'spam')).toHaveLength(1);
      await sleep(50); // the bus tells node A
      expect(a!.screenMessage('sly', 'r7', 'cheap followers here').spam).toBe(true);
      expect(a!.screenMessage('sly', 'r1', 'cheap followers here').spam).toBe(true);
      // Someone greeting a few partners on each node stays below it.
      for (const [node, room] of [
        [a, 'p1'],
        [b, 'p2'],
        [a, 'p3'],
        [b, 'p4'],
      ] as const)
        expect(node!.screenMessage('friendly', room, 'hello! nice to meet you').spam).toBe(false);
      await Promise.all([a!.settle(), b!.settle()]);
      expect(flags.filter((f) => f.user_id === 'friendly')).toHaveLength(0);
      [a, b].forEach((n) => n!.close());
    });
  });
}
