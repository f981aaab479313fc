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
  /** Views this node read lately, by id, with the generation they belong to (only with `localCopies`). */
  private readonly local: Map<string, { generation: string; view: string; until: number }> | null;

  constructor(
    private readonly cache: Cache,
    private readonly name: string,
    /** How long an unchanged view is served; shorter for views that also follow other people's changes. */
    private readonly ttlMs = VIEW_TTL_MS,
    /**
     * Keep up to this many views on this node as well, served while their generation is current:
     * a hit is then a GET of the generation alone. For large views (a person's two years of
     * progress days, 180 KB), where fetching the view from Redis on every read was most of it.
     */
    localCopies = 0,
  ) {
    this.local = localCopies > 0 ? new LocalCopies(localCopies) : null;
  }

  async read(id: string, load: () => Promise<string | null>): Promise<string | null> {
    const viewKey = `${this.name}:view:${id}`;
    const generationKey = `${this.name}:gen:${id}`;
    let generation = '-';
    try {
      if (this.local) {
        generation = (await this.cache.get(generationKey)) ?? '-';
        const copy = this.local.get(id);
        if (copy && copy.generation === generation && copy.until > Date.now()) return copy.view;
      }
      const [entry, current] = await this.cache.getMany([viewKey, generationKey]);
      generation = current ?? '-';
      const cut = entry?.indexOf('\n') ?? -1;
      if (entry && cut > 0 && entry.slice(0, cut) === generation) {
        return this.keep(id, generation, entry.slice(cut + 1));
      }
    } catch {
      // The cache is an optimisation: when it cannot answer, the database still can.
      return load();
    }
    const view = await load();
    if (view !== null) {
      this.keep(id, generation, view);
      await this.cache.set(viewKey, `${generation}\n${view}`, this.ttlMs).catch(() => undefined);
    }
    return view;
  }

  private keep(id: string, generation: string, view: string): string {
    // Bounded by the view's lifetime, so a lost invalidation is outlived by one lifetime at most.
    this.local?.set(id, { generation, view, until: Date.now() + this.ttlMs });
    return view;
  }

  /** Call after the write has committed; every cached copy of the view stops being served. */
  async invalidate(id: string): Promise<void> {
    await this.cache.set(`${this.name}:gen:${id}`, randomUUID(), GENERATION_TTL_MS);
  }
}

/** A map that forgets its oldest entry beyond `capacity`. */
class LocalCopies<V> extends Map<string, V> {
  constructor(private readonly capacity: number) {
    super();
  }
  override set(key: string, value: V): this {
    this.delete(key);
    if (this.size >= this.capacity) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}
