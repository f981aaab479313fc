import { randomUUID } from 'node:crypto';
import type { Cache } from './cache.js';

/** How long an unchanged view may be served from the cache; also the bound on staleness should an invalidation be lost. */
const VIEW_TTL_MS = 5 * 60_000;
const GENERATION_TTL_MS = 24 * 60 * 60_000;

/**
 * A read-through cache of one serialised view per id (a user's `GET /me`), right across nodes
 * without locks. Every write to what the view shows sets a fresh random generation once it has
 * committed; a cached view carries the generation it was loaded under and is served only while
 * that generation is current. A reader that loaded the rows just before a write therefore stores
 * them under the old generation, where nobody will read them: with plain delete-on-write that
 * reader would put the old view back until it expired. A hit is one round trip (MGET).
 */
export class ViewCache {
  constructor(
    private readonly cache: Cache,
    private readonly name: string,
    /** How long an unchanged view is served; shorter for views that also follow other people's changes. */
    private readonly ttlMs = VIEW_TTL_MS,
  ) {}

  async read(id: string, load: () => Promise<string | null>): Promise<string | null> {
    const viewKey = `${this.name}:view:${id}`;
    let generation = '-';
    try {
      const [entry, current] = await this.cache.getMany([viewKey, `${this.name}:gen:${id}`]);
      generation = current ?? '-';
      const cut = entry?.indexOf('\n') ?? -1;
      if (entry && cut > 0 && entry.slice(0, cut) === generation) {
        return entry.slice(cut + 1);
      }
    } catch {
      // The cache is an optimisation: when it cannot answer, the database still can.
      return load();
    }
    const view = await load();
    if (view !== null) await this.cache.set(viewKey, `${generation}\n${view}`, this.ttlMs).catch(() => undefined);
    return view;
  }

  /** Call after the write has committed; every cached copy of the view stops being served. */
  async invalidate(id: string): Promise<void> {
    await this.cache.set(`${this.name}:gen:${id}`, randomUUID(), GENERATION_TTL_MS);
  }
}
