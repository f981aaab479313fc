import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, ENGLISH, givenOnboarded, KOREAN, type Client } from './helpers/app.js';
import { mysqlRedis } from './helpers/backends.js';
import { killAll, provisionReplicas, startServerProcess, type ServerProcess } from './helpers/processes.js';

/**
 * Quick match under a crowd, on real server processes: 200 people (100 Korean speakers learning
 * English, 100 English speakers learning Korean) join at the same moment. With MariaDB + Redis they
 * join through two processes that share one queue in Redis, where only the atomic claim stops two
 * nodes pairing the same person; embedded, one process with its in-process queue (the embedded mode
 * is one node by design). Everyone must end up paired exactly once, with a compatible partner, in
 * one 1:1 room per pair.
 */

const PEOPLE = 200;

interface Pair {
  joiner: string;
  partner: string;
  roomId: string;
}

async function crowdJoins(nodes: ServerProcess[]) {
  // Onboarding through the API, one at a time, spread over the nodes. (At once, MariaDB deadlocks
  // between two people's language steps: profile's replaceLanguages takes gap locks; see the report.)
  const people: { user: Client; korean: boolean; node: ServerProcess }[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    const korean = i % 2 === 0;
    const node = nodes[i % nodes.length]!;
    people.push({ user: await givenOnboarded(node, korean ? 'Korean' : 'English', korean ? KOREAN : ENGLISH), korean, node });
  }
  const pairs: Pair[] = [];
  const paired = new Set<string>();
  // Everyone at once; then the ones still waiting check in again, as the page does every 20 s,
  // until nobody is left or a round pairs nobody.
  let waiting = people;
  for (let round = 0; round < 5 && waiting.length; round++) {
    const replies = await Promise.all(waiting.map(({ user, node }) => api(node, 'POST', '/api/v1/matching/quick', { token: user.token })));
    replies.forEach((reply, i) => {
      expect(reply.status).toBe(200);
      if (reply.json.state === 'matched') {
        pairs.push({ joiner: waiting[i]!.user.userId, partner: reply.json.partnerId, roomId: reply.json.roomId });
        paired.add(waiting[i]!.user.userId).add(reply.json.partnerId);
      }
    });
    const before = waiting.length;
    waiting = waiting.filter((p) => !paired.has(p.user.userId));
    if (waiting.length === before) break;
  }
  return { people, pairs, waiting };
}

function expectPairedOnce(result: Awaited<ReturnType<typeof crowdJoins>>) {
  const { people, pairs, waiting } = result;
  const korean = new Map(people.map((p) => [p.user.userId, p.korean]));
  const seen = new Map<string, number>();
  for (const { joiner, partner } of pairs) for (const id of [joiner, partner]) seen.set(id, (seen.get(id) ?? 0) + 1);
  // Nobody in two pairs, and every pair a Korean speaker with an English speaker.
  expect([...seen.values()].filter((n) => n > 1)).toEqual([]);
  for (const { joiner, partner } of pairs) expect(korean.get(joiner)).not.toBe(korean.get(partner));
  expect(new Set(pairs.map((p) => p.roomId)).size).toBe(pairs.length);
  // Equal halves that all suit each other: nobody is left waiting.
  expect(waiting).toEqual([]);
  expect(pairs).toHaveLength(PEOPLE / 2);
}

describe('quick match: 200 people join at once', () => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await killAll(children);
    for (const cleanup of cleanups) await cleanup();
  });

  it('embedded, one process: everyone is paired exactly once, with a compatible partner', async () => {
    const node = await startServerProcess(
      {
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'studymate-quick-')),
        JWT_SECRET: randomBytes(32).toString('hex'),
        DEV_SIGN_IN: 'true',
        LOG_LEVEL: 'warn',
        STUDYMATE_QUIET: '1',
        WEB_DIST: '/nonexistent',
        RATE_LIMIT_SIGN_IN: '10000',
      },
      children,
      { built: true },
    );
    expectPairedOnce(await crowdJoins([node]));
  }, 240_000);

  it.skipIf(mysqlRedis.skip)(
    `MariaDB + Redis, two processes sharing the queue: the claim is atomic across nodes${mysqlRedis.skip ? ` (skipped: ${mysqlRedis.skip})` : ''}`,
    async () => {
      const replicas = await provisionReplicas({ DEV_SIGN_IN: 'true' });
      cleanups.push(() => replicas.drop());
      const nodes = await Promise.all([0, 1].map(() => startServerProcess(replicas.env, children, { built: true })));
      const result = await crowdJoins(nodes).catch((error: Error) => {
        throw new Error(`${error.message}\n${nodes.map((n) => n.output()).join('\n')}`);
      });
      expectPairedOnce(result);
    },
    240_000,
  );
});
