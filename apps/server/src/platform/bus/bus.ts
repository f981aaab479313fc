import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

export type BusHandler = (message: string) => void;

/** Pub/sub between server nodes: what one node publishes, every node's subscribers receive. */
export interface Bus {
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class InProcessBus implements Bus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  async publish(channel: string, message: string) {
    this.emitter.emit(channel, message);
  }
  async subscribe(channel: string, handler: BusHandler) {
    this.emitter.on(channel, handler);
    return async () => {
      this.emitter.off(channel, handler);
    };
  }
  async close() {
    this.emitter.removeAllListeners();
  }
}

/** Redis pub/sub needs a connection of its own for subscribing; publishing uses the shared one. */
export class RedisBus implements Bus {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  /**
   * A bus over `redis`, with a subscriber connection of its own. That connection skips ioredis's
   * ready check: a SUBSCRIBE sent while it connects can put it in subscriber mode before the
   * check's INFO, which Redis then refuses, and ioredis 5.8+ reconnects in a loop with nothing
   * delivered (ioredis issue 2037; seen once in CI as a cross-node test that never got its message).
   */
  static over(redis: Redis, prefix: string): RedisBus {
    return new RedisBus(redis, redis.duplicate({ enableReadyCheck: false }), prefix);
  }

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    // Its errors are the publishing connection's too, which the app logs; unheard, ioredis prints each one.
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, message: string) => {
      const set = this.handlers.get(channel.slice(this.prefix.length));
      if (set) for (const handler of set) handler(message);
    });
  }
  async publish(channel: string, message: string) {
    await this.publisher.publish(this.prefix + channel, message);
  }
  async subscribe(channel: string, handler: BusHandler) {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.subscriber.subscribe(this.prefix + channel);
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(channel) === set) {
        this.handlers.delete(channel);
        await this.subscriber.unsubscribe(this.prefix + channel);
      }
    };
  }
  async close() {
    this.handlers.clear();
    this.subscriber.disconnect();
  }
}
