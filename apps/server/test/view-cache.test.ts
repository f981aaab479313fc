import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryCache, RedisCache, type Cache } from '../src/platform/cache/cache.js';
import { ViewCache } from '../src/platform/cache/view-cache.js';

const redisUrl = process.env.TEST_REDIS_URL;
const redis = redisUrl ? new Redis(redisUrl) : null;
afterAll(() => redis?.disconnect());

const caches: Array<[string, (() => Cache) | null]> = [
  ['memory', () => new MemoryCache()],
  ['redis', redis ? () => new RedisCache(redis, `viewcache${process.pid}${Date.now()}:`) : null],
];

for (const [name, make] of caches) {
  describe.skipIf(!make)(`view cache [${name}]`, () => {
    const counting = (values: string[]) => {
      const load = async () => {
        load.calls++;
        return values[Math.min(load.calls, values.length) - 1]!;
      };
      load.calls = 0;
      return load;
    };

    it('loads once, then serves the cached view until it is invalidated', async () => {
      const views = new ViewCache(make!(), 'me');
      const load = counting(['v1', 'v2']);
      expect(await views.read('u1', load)).toBe('v1');
      expect(await views.read('u1', load)).toBe('v1');
      expect(load.calls).toBe(1);
      await views.invalidate('u1');
      expect(await views.read('u1', load)).toBe('v2');
      expect(load.calls).toBe(2);
      // Another id is its own entry.
      expect(await views.read('u2', counting(['other']))).toBe('other');
    });

    it("serves a node's own copy while its generation is current, and drops it when another node writes", async () => {
      const cache = make!();
      const nodeA = new ViewCache(cache, 'days', undefined, 10);
      const nodeB = new ViewCache(cache, 'days', undefined, 10);
      const load = counting(['v1', 'v2']);
      expect(await nodeA.read('u1', load)).toBe('v1');
      // A hit reads only the generation: with the shared entry gone, node A still answers from its copy.
      await cache.del('days:view:u1');
      expect(await nodeA.read('u1', load)).toBe('v1');
      expect(load.calls).toBe(1);
      await nodeB.invalidate('u1');
      expect(await nodeA.read('u1', load)).toBe('v2');
      expect(load.calls).toBe(2);
    });

    it('never serves a view loaded before a write that committed while it was loading', async () => {
      const cache = make!();
      const views = new ViewCache(cache, 'me');
      let release!: () => void;
      let loading!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const started = new Promise<void>((r) => (loading = r));
      // The slow reader read the rows before the write...
      const slow = views.read('u1', async () => {
        loading();
        await gate;
        return 'before the write';
      });
      // ...the write commits and invalidates, then the slow reader stores what it read.
      await started;
      await views.invalidate('u1');
      release();
      expect(await slow).toBe('before the write');
      expect(await views.read('u1', async () => 'after the write')).toBe('after the write');
      // A second node sharing the cache agrees.
      expect(await new ViewCache(cache, 'me').read('u1', async () => 'reloaded')).toBe('after the write');
    });

    it('does not cache a missing view', async () => {
      const views = new ViewCache(make!(), 'me');
      const load = counting([]);
      const missing = async () => {
        load.calls++;
        return null;
      };
      expect(await views.read('gone', missing)).toBeNull();
      expect(await views.read('gone', missing)).toBeNull();
      expect(load.calls).toBe(2);
    });
  });
}

describe('view cache when the cache fails', () => {
  it('answers from the loader instead of failing the request', async () => {
    const broken = new MemoryCache();
    broken.getMany = async () => {
      throw new Error('connection lost');
    };
    expect(await new ViewCache(broken, 'me').read('u1', async () => 'from the database')).toBe('from the database');
  });
});
