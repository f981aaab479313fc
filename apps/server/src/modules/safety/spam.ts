import { createHash } from 'node:crypto';
import type { Bus } from '../../platform/bus/bus.js';
import type { Cache } from '../../platform/cache/cache.js';

/** Bursts are counted in aligned windows, so every node's window and the shared counter's agree. */
export const SPAM_WINDOW_MS = 10 * 60_000;
/** The same text to this many different rooms within the window is spam. */
export const SPAM_ROOMS = 5;
/** A text is counted across nodes once it went to this many rooms here: most texts go to one room only. */
const SHARE_FROM_ROOMS = 2;
/** How long new rooms wait here before they are added to the shared count, in one batch. */
const RECONCILE_MS = 50;
const MAX_SENDERS = 50_000;
const TEXTS_PER_SENDER = 50;
const BURST_CHANNEL = 'safety:spam-burst';

interface Seen {
  window: number;
  rooms: Set<string>;
  /** How many of `rooms` this node has added to the shared count. */
  reported: number;
  /** The shared count as this node last read it (its own reported rooms included). */
  shared: number;
  /** Every node refuses this text from this sender until the window ends. */
  blocked: boolean;
}

/**
 * The burst-of-near-identical-messages detector, counted over every node without a network round
 * trip on the send path. Each node keeps a short-term view per sender and text fingerprint (the
 * rooms it saw, and the shared count as it last read it) and answers from it synchronously: a
 * few microseconds. A text that went to SHARE_FROM_ROOMS rooms here is reconciled with the shared
 * counter in the cache (Redis across nodes, in-process when embedded) in batches every
 * RECONCILE_MS: one INCRBY of the rooms added since, whose answer is the count over all nodes. The
 * node whose addition crosses SPAM_ROOMS (INCRBY is atomic, so exactly one) flags the sender once
 * and tells every node on the bus, which refuse the text at once. A burst spread over nodes is
 * thus throttled within about RECONCILE_MS of crossing. Texts seen in one room per node are not
 * shared (that would be a counter per message), so with N nodes a burst may pass SPAM_ROOMS by up
 * to N - 1 rooms before it is caught; a room written to from two nodes counts once on each (the
 * same person's two devices, rare for one text), and a burst across a window's edge counts in
 * both halves. While the cache does not answer, each node counts alone.
 */
export function createSpamBursts(deps: {
  cache: Pick<Cache, 'increment'>;
  bus: Bus;
  flag: (senderId: string, detail: string) => Promise<void>;
  log: { warn(context: object, message: string): void };
}) {
  const recent = new Map<string, Map<string, Seen>>();
  const pending = new Map<string, { senderId: string; key: string; seen: Seen }>();
  let timer: NodeJS.Timeout | null = null;
  let reconciling: Promise<void> = Promise.resolve();
  let warnedAt = 0;

  const fingerprint = (text: string) =>
    createHash('sha1')
      .update(text.toLowerCase().replace(/[\s\p{P}\p{S}\d]+/gu, ''))
      .digest('base64');

  function entry(senderId: string, key: string, window: number): Seen {
    let texts = recent.get(senderId);
    if (!texts) {
      if (recent.size >= MAX_SENDERS) recent.delete(recent.keys().next().value!);
      texts = new Map();
      recent.set(senderId, texts);
    }
    let seen = texts.get(key);
    if (!seen || seen.window !== window) {
      texts.delete(key);
      if (texts.size >= TEXTS_PER_SENDER) texts.delete(texts.keys().next().value!);
      seen = { window, rooms: new Set(), reported: 0, shared: 0, blocked: false };
      texts.set(key, seen);
    }
    return seen;
  }

  const detail = (rooms: number) => `the same text to ${rooms} rooms within ${SPAM_WINDOW_MS / 60_000} minutes`;

  function warn(error: unknown, message: string) {
    if (Date.now() - warnedAt < 10_000) return;
    warnedAt = Date.now();
    deps.log.warn({ err: error }, message);
  }

  /** Adds the rooms each waiting text went to since its last reconciling; one INCRBY per text, all at once. */
  async function reconcile() {
    const batch = [...pending.values()];
    pending.clear();
    await Promise.all(
      batch.map(async ({ senderId, key, seen }) => {
        const added = seen.rooms.size - seen.reported;
        if (added <= 0) return;
        seen.reported += added;
        let total: number;
        try {
          total = await deps.cache.increment(`spam:${senderId}:${key}:${seen.window}`, added, SPAM_WINDOW_MS + 60_000);
        } catch (error) {
          // Counted again with the next room; meanwhile this node judges from what it saw itself.
          seen.reported -= added;
          warn(error, 'screening: spam counts not shared; counting on this node alone');
          if (!seen.blocked && seen.rooms.size >= SPAM_ROOMS) {
            seen.blocked = true;
            await deps.flag(senderId, detail(seen.rooms.size));
          }
          return;
        }
        seen.shared = total;
        if (total - added < SPAM_ROOMS && total >= SPAM_ROOMS) {
          seen.blocked = true;
          // The other nodes first: by the time an administrator sees the flag, every node refuses the text.
          await deps.bus
            .publish(BURST_CHANNEL, `${senderId} ${key} ${seen.window}`)
            .catch((error) => warn(error, 'screening: spam burst not told to other nodes'));
          await deps.flag(senderId, detail(total));
        }
      }),
    );
  }
  /** One reconciling at a time: the next starts after the one before. */
  function run() {
    if (timer) clearTimeout(timer);
    timer = null;
    reconciling = reconciling.then(reconcile);
    return reconciling;
  }

  void deps.bus
    .subscribe(BURST_CHANNEL, (message) => {
      const [senderId, key, window] = message.split(' ');
      if (!senderId || !key || Number(window) !== Math.floor(Date.now() / SPAM_WINDOW_MS)) return;
      entry(senderId, key, Number(window)).blocked = true;
    })
    .catch((error) => deps.log.warn({ err: error }, 'screening: bus subscribe failed'));

  return {
    /**
     * Whether this message is part of a burst of the same text to many rooms, over every node:
     * refused from the SPAM_ROOMS-th room on (and from then on to every room), synchronously.
     */
    burst(senderId: string, roomId: string, text: string, now: number): boolean {
      if (text.length < 2) return false;
      const key = fingerprint(text);
      const seen = entry(senderId, key, Math.floor(now / SPAM_WINDOW_MS));
      if (seen.blocked) return true;
      seen.rooms.add(roomId);
      const unreported = seen.rooms.size - seen.reported;
      if (seen.rooms.size >= SHARE_FROM_ROOMS && unreported > 0) {
        pending.set(`${senderId} ${key}`, { senderId, key, seen });
        timer ??= setTimeout(() => void run(), RECONCILE_MS).unref();
      }
      return Math.max(seen.rooms.size, seen.shared + unreported) >= SPAM_ROOMS;
    },
    /** Adds what is waiting to the shared counts now (tests, shutdown). */
    settle: run,
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
