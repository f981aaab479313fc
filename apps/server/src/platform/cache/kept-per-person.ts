/**
 * What a node remembers of each person for a while after reading it (settings, standing), so a
 * hot path reads the database only for people it has not seen lately. A change made on any node
 * calls `forget` on every node (the owning module wires it to the bus); `untilOf` bounds how long
 * a change the node missed (the bus was down) can go unseen. A read that overlapped a `forget` is
 * answered but not kept: it may hold what the change replaced.
 */
export function keptPerPerson<T>(options: {
  load: (ids: string[]) => Promise<Map<string, T>>;
  /** When a value read at `now` stops being trusted. */
  untilOf: (value: T, id: string, now: number) => number;
  capacity: number;
}) {
  const kept = new Map<string, { value: T; until: number }>();
  let forgets = 0;
  return {
    async of(ids: string[]): Promise<Map<string, T>> {
      const now = Date.now();
      const found = new Map<string, T>();
      const missing: string[] = [];
      for (const id of new Set(ids)) {
        const entry = kept.get(id);
        if (entry && entry.until > now) found.set(id, entry.value);
        else missing.push(id);
      }
      if (!missing.length) return found;
      const forgetsBefore = forgets;
      const loaded = await options.load(missing);
      const keep = forgets === forgetsBefore;
      for (const id of missing) {
        const value = loaded.get(id)!;
        found.set(id, value);
        if (!keep) continue;
        // Re-inserted, so the Map's insertion order stays oldest first for the eviction below.
        kept.delete(id);
        kept.set(id, { value, until: options.untilOf(value, id, now) });
      }
      for (const id of kept.keys()) {
        if (kept.size <= options.capacity) break;
        kept.delete(id);
      }
      return found;
    },
    forget(id: string) {
      forgets++;
      kept.delete(id);
    },
  };
}
