import { describe, expect, it } from 'vitest';
import { keptPerPerson } from '../src/platform/cache/kept-per-person.js';

describe('keptPerPerson', () => {
  const counting = () => {
    const version = new Map<string, number>();
    let reads = 0;
    let gate: Promise<void> = Promise.resolve();
    const kept = keptPerPerson<number>({
      load: async (ids) => {
        reads++;
        const seen = new Map(ids.map((id) => [id, version.get(id) ?? 0]));
        await gate;
        return seen;
      },
      untilOf: (_v, _id, now) => now + 60_000,
      capacity: 2,
    });
    return { kept, version, reads: () => reads, hold: (p: Promise<void>) => (gate = p) };
  };

  it('reads a person once while trusted, again after forget', async () => {
    const c = counting();
    expect((await c.kept.of(['a', 'a'])).get('a')).toBe(0);
    await c.kept.of(['a']);
    expect(c.reads()).toBe(1);
    c.version.set('a', 1);
    c.kept.forget('a');
    expect((await c.kept.of(['a'])).get('a')).toBe(1);
    expect(c.reads()).toBe(2);
  });

  it('answers but does not keep a read that a change overlapped', async () => {
    const c = counting();
    let release!: () => void;
    c.hold(new Promise((r) => (release = r)));
    const reading = c.kept.of(['a']);
    c.version.set('a', 1);
    c.kept.forget('a');
    release();
    expect((await reading).get('a')).toBe(0);
    c.hold(Promise.resolve());
    expect((await c.kept.of(['a'])).get('a')).toBe(1);
  });

  it('keeps at most its capacity, dropping the oldest', async () => {
    const c = counting();
    await c.kept.of(['a', 'b', 'c']);
    const before = c.reads();
    await c.kept.of(['b', 'c']);
    expect(c.reads()).toBe(before);
    await c.kept.of(['a']);
    expect(c.reads()).toBe(before + 1);
  });
});
