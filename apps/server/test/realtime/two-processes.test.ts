import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ChatMessage, RoomEvent } from '@studymate/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, givenUser, type Client } from '../helpers/app.js';
import { killAll, provisionReplicas, startServerProcess, type ServerProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { mysqlRedis } from '../helpers/backends.js';
import { connectStomp, type StompSession } from './harness.js';

/**
 * Two real server processes on different ports sharing MariaDB and Redis, one killed with SIGKILL
 * while both members of a room keep sending: every receipted message must be stored exactly once,
 * and reach the partner live or by catch-up. Spawned from source through tsx, because `npm test`
 * runs this suite before the build.
 */

const skip = mysqlRedis.skip;
if (skip) console.warn(`\n*** SKIPPING the two-process chat suite (a node killed mid-conversation): ${skip} ***\n`);

interface Outgoing {
  clientId: string;
  body: string;
  acked: boolean;
}

/**
 * One member's side of the conversation, as the web client keeps it: an outbox keyed by clientId
 * (resent unchanged until receipted), and the room's messages by seq from every source.
 */
class Member {
  readonly outbox = new Map<string, Outgoing>();
  /** What arrived on the room topic, possibly twice (a resend is broadcast again). */
  readonly live = new Map<number, ChatMessage>();
  readonly caughtUp = new Map<number, ChatMessage>();
  session: StompSession | null = null;
  private n = 0;
  private receipts = 0;

  constructor(
    readonly name: string,
    readonly user: Client,
    readonly roomId: string,
  ) {}

  /** Called for every message that arrives on the room topic. */
  onLive: (message: ChatMessage) => void = () => {};
  /** While set, receipts are dropped as if lost on the way: the message counts as unconfirmed. */
  receiptsLost = false;

  async connect(wsUrl: string) {
    const session = await connectStomp(wsUrl, { Authorization: `Bearer ${this.user.token}` });
    this.session = session;
    this.receiptsLost = false;
    const receipt = `${this.name}-sub${++this.receipts}`;
    const subscribed = new Promise<void>((resolve) => session.client.watchForReceipt(receipt, () => resolve()));
    session.client.subscribe(
      `/sub/chat/rooms/${this.roomId}`,
      (frame) => {
        const event = JSON.parse(frame.body) as RoomEvent;
        if (event.type !== 'message') return;
        this.live.set(event.message.seq, event.message);
        this.onLive(event.message);
      },
      { receipt },
    );
    await subscribed;
  }

  get connected() {
    return !!this.session?.client.connected;
  }

  /** A new message with a clientId of its own, published with a receipt. */
  sendNew() {
    const clientId = `${this.name}${(++this.n).toString().padStart(5, '0')}${randomBytes(3).toString('hex')}`;
    const item = { clientId, body: `${this.name} says ${this.n}`, acked: false };
    this.outbox.set(clientId, item);
    this.publish(item);
  }

  /** Sends again, with the same clientId, everything not receipted yet. */
  resend() {
    for (const item of this.outbox.values()) if (!item.acked) this.publish(item);
  }

  private publish(item: Outgoing) {
    const session = this.session!;
    const receipt = `${this.name}-r${++this.receipts}`;
    session.client.watchForReceipt(receipt, () => {
      if (!this.receiptsLost) item.acked = true;
    });
    try {
      session.client.publish({
        destination: `/pub/chat/rooms/${this.roomId}/messages`,
        headers: { receipt },
        body: JSON.stringify({ clientId: item.clientId, kind: 'text', body: item.body }),
      });
    } catch {
      // The connection is going down; the message stays in the outbox for the resend.
    }
  }

  inFlight() {
    return [...this.outbox.values()].filter((o) => !o.acked).length;
  }

  /** The highest seq below which this member holds every message. */
  contiguous() {
    let seq = 0;
    while (this.live.has(seq + 1) || this.caughtUp.has(seq + 1)) seq++;
    return seq;
  }

  /** Catch-up by cursor (`after=`), page by page, as the web client does after a reconnect. */
  async catchUp(httpUrl: string) {
    for (;;) {
      const from = this.contiguous();
      const page = await api({ url: httpUrl }, 'GET', `/api/v1/chat/rooms/${this.roomId}/messages?after=${from}&limit=100`, {
        token: this.user.token,
      });
      expect(page.status).toBe(200);
      for (const m of page.json.items as ChatMessage[]) this.caughtUp.set(m.seq, m);
      if (page.json.items.length < 100 || this.contiguous() <= from) return;
    }
  }
}

/** Sends a message every `everyMs` while fewer than `window` await their receipt. */
function keepSending(member: Member, everyMs: number, window = 4) {
  const timer = setInterval(() => {
    if (member.connected && member.inFlight() < window) member.sendNew();
  }, everyMs);
  return () => clearInterval(timer);
}

describe.skipIf(skip)(`chat across two server processes, one killed${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const nodes: ServerProcess[] = [];
  const children: ChildProcess[] = [];
  const members: Member[] = [];
  const stoppers: Array<() => void> = [];
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const replicas = await provisionReplicas();
    drop = replicas.drop;
    nodes.push(...(await Promise.all([startServerProcess(replicas.env, children), startServerProcess(replicas.env, children)])));
  });

  afterAll(async () => {
    for (const stop of stoppers) stop();
    await Promise.allSettled(members.map((m) => m.session?.disconnect()));
    await killAll(children);
    await drop?.();
  });

  it('stores every receipted message exactly once and delivers it, across a SIGKILL of one node', { timeout: 30_000 }, async () => {
    const [node1, node2] = nodes as [ServerProcess, ServerProcess];
    const [minji, alex] = await Promise.all([givenUser(node1, { name: 'Minji' }), givenUser(node2, { name: 'Alex' })]);
    const room = await api(node1, 'POST', '/api/v1/chat/rooms/direct', { token: minji.token, body: { partnerId: alex.userId } });
    expect(room.status).toBe(200);
    const a = new Member('minji', minji, room.json.id);
    const b = new Member('alex', alex, room.json.id);
    members.push(a, b);
    await a.connect(node1.ws);
    await b.connect(node2.ws);

    // Both talk, under the gateway's send rate (20 a second per connection).
    stoppers.push(keepSending(a, 60), keepSending(b, 60));
    const ackedBy = (m: Member) => [...m.outbox.values()].filter((o) => o.acked).length;
    await until('a steady conversation', () => ackedBy(a) >= 20 && ackedBy(b) >= 20);

    // A burst whose receipts never arrive; node 1 dies as soon as Alex sees its first message, so
    // at least one is stored unreceipted and the rest are mid-transaction or never read.
    a.receiptsLost = true;
    const burst = new Set<string>();
    b.onLive = (m) => {
      if (burst.has(m.clientId) && !node1.child.killed) node1.child.kill('SIGKILL');
    };
    for (let i = 0; i < 15; i++) {
      a.sendNew();
      burst.add([...a.outbox.keys()].at(-1)!);
    }
    await until('node 1 to be killed mid-burst', () => node1.child.killed);
    b.onLive = () => {};
    await node1.exited;
    await a.session!.closed;
    const ackedBeforeKill = new Set([...a.outbox.values()].filter((o) => o.acked).map((o) => o.clientId));
    const pendingAtKill = [...a.outbox.values()].filter((o) => !o.acked).map((o) => o.clientId);
    expect(pendingAtKill.length).toBeGreaterThan(0);
    const newest = await api(node2, 'GET', `/api/v1/chat/rooms/${room.json.id}/messages?limit=100`, { token: alex.token });
    const storedUnreceipted = pendingAtKill.filter((id) => newest.json.items.some((m: ChatMessage) => m.clientId === id)).length;
    // Alex saw one of them, so it is stored; the resend below must not store it again.
    expect(storedUnreceipted).toBeGreaterThan(0);

    // Minji's app reconnects to the surviving node: resends what was not receipted, then catches up.
    await a.connect(node2.ws);
    a.resend();
    await until("the resent messages' receipts", () => a.inFlight() === 0);
    await a.catchUp(node2.url);
    await until('more conversation after the failover', () => ackedBy(a) >= ackedBeforeKill.size + pendingAtKill.length + 10);

    for (const stop of stoppers.splice(0)) stop();
    await until('every receipt', () => a.inFlight() === 0 && b.inFlight() === 0);
    // The last broadcasts may trail the receipts by a moment; Alex catches up like after any gap.
    await b.catchUp(node2.url);
    await a.catchUp(node2.url);

    // The whole history, newest first by `before`, independent of the catch-up path above.
    const history: ChatMessage[] = [];
    let before: number | null = null;
    do {
      const page = await api(node2, 'GET', `/api/v1/chat/rooms/${room.json.id}/messages?limit=100${before ? `&before=${before}` : ''}`, {
        token: alex.token,
      });
      expect(page.status).toBe(200);
      history.push(...(page.json.items as ChatMessage[]));
      before = page.json.nextBefore;
    } while (before !== null);

    // Stored exactly once: one row per clientId, dense seqs, nothing nobody sent.
    const sent = new Map([...a.outbox.values(), ...b.outbox.values()].map((o) => [o.clientId, o]));
    const clientIds = history.map((m) => m.clientId);
    expect(new Set(clientIds).size).toBe(clientIds.length);
    expect(history.map((m) => m.seq).sort((x, y) => x - y)).toEqual(history.map((_, i) => i + 1));
    expect(new Set(clientIds)).toEqual(new Set(sent.keys()));
    for (const m of history) {
      expect(m.body).toBe(sent.get(m.clientId)!.body);
      expect(m.senderId).toBe(a.outbox.has(m.clientId) ? minji.userId : alex.userId);
    }
    // Every message was receipted in the end, the resent ones included.
    expect([...sent.values()].filter((o) => !o.acked)).toEqual([]);

    // Both members hold the whole room, each message under the id and seq history gives it.
    for (const member of [a, b]) {
      const held = new Map([...member.caughtUp, ...member.live]);
      expect([...held.keys()].sort((x, y) => x - y)).toEqual(history.map((m) => m.seq).sort((x, y) => x - y));
      for (const m of history) expect(held.get(m.seq)?.id).toBe(m.id);
    }
    // Alex stayed on the surviving node: live delivery may only have missed Minji's messages caught
    // in the crash. The last broadcasts may still be on their way; give them a moment.
    const expectedLive = () => history.every((m) => b.live.has(m.seq) || pendingAtKill.includes(m.clientId));
    await until('the last live deliveries', expectedLive, 5000).catch(() => undefined);
    const missedLive = history.filter((m) => !b.live.has(m.seq)).map((m) => m.clientId);
    expect(missedLive.filter((id) => !pendingAtKill.includes(id))).toEqual([]);

    console.log(
      `two processes: ${history.length} messages stored once; ${pendingAtKill.length} unreceipted at the kill ` +
        `(${storedUnreceipted} of them already stored), ` +
        `${missedLive.length} caught up rather than live`,
    );
  });
});
