import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RTCIceServer } from 'werift';
import { api, givenUser } from '../helpers/app.js';
import { mysqlRedis } from '../helpers/backends.js';
import { killAll, provisionReplicas } from '../helpers/processes.js';
import { openRelayedPair, type RelayedPair } from '../helpers/relay-peers.js';
import { startTurnServer, turnMissing, type TurnServer } from '../helpers/turn.js';
import { until } from '../helpers/wait.js';
import { ChatLoad } from './chat-load.js';
import { buildServer, startCluster, type Cluster } from './cluster.js';
import { nginxBinary } from './nginx.js';

/**
 * The production topology for real, without containers: nginx (deploy/nginx.conf) in front of two
 * server processes on MariaDB and Redis, and coturn for calls. Sign-in, REST and chat over STOMP go
 * through nginx, and a rolling restart of both nodes under chat traffic loses, duplicates and fails
 * nothing, while a call relayed through coturn keeps flowing.
 */

const skip = mysqlRedis.skip ?? (nginxBinary ? null : 'nginx is not installed (.ci/run installs Debian nginx)') ?? turnMissing();
if (skip) console.warn(`\n*** SKIPPING the load-balanced topology suite: ${skip} ***\n`);

describe.skipIf(skip)(`two nodes behind nginx${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const children: ChildProcess[] = [];
  let cluster: Cluster;
  let drop: (() => Promise<void>) | undefined;
  let load: ChatLoad | undefined;
  let turn: TurnServer | undefined;
  let call: RelayedPair | undefined;

  beforeAll(async () => {
    buildServer();
    turn = await startTurnServer();
    // TRUST_PROXY as compose sets it: the client address comes from nginx's X-Forwarded-For.
    const replicas = await provisionReplicas({
      TRUST_PROXY: 'true',
      TURN_URLS: `${turn.url}?transport=udp`,
      TURN_SECRET: turn.secret,
      TURN_TTL_SECONDS: '600',
    });
    drop = replicas.drop;
    cluster = await startCluster(replicas.env, children);
  }, 120_000);

  afterAll(async () => {
    await call?.close();
    await turn?.stop();
    await load?.close();
    await cluster?.close();
    await killAll(children);
    await drop?.();
  });

  it('signs in, serves REST and spreads STOMP connections over both nodes through nginx', async () => {
    const user = await givenUser({ url: cluster.nginx.url }, { name: 'Minji' });
    const me = await api({ url: cluster.nginx.url }, 'GET', '/api/v1/me', { token: user.token });
    expect(me.status).toBe(200);
    expect(me.json.id ?? me.json.user?.id).toBe(user.userId);
    // The same token on either node directly: one signing key for the replicas.
    for (const node of cluster.nodes) expect((await api(node, 'GET', '/api/v1/me', { token: user.token })).status).toBe(200);
    const ready = await fetch(`${cluster.nginx.url}/health/ready`);
    expect(ready.status).toBe(200);
  });

  it('loses nothing while node 1 and then node 2 drain and restart under chat traffic', { timeout: 180_000 }, async () => {
    // A call in progress between two people: credentials from the cluster, media through coturn.
    const servers = async () => {
      const person = await givenUser({ url: cluster.nginx.url });
      return (await api({ url: cluster.nginx.url }, 'GET', '/api/v1/calls/ice-servers', { token: person.token })).json
        .iceServers as RTCIceServer[];
    };
    call = await openRelayedPair(await servers(), await servers());
    expect(call.connected).toBe(true);
    let spoken = 0;
    const speaking = setInterval(() => call!.channel!.send(`line ${++spoken}`), 50);

    load = new ChatLoad(cluster.nginx.url, cluster.nginx.ws);
    await load.open(4);
    load.start(5, 100);
    await until('a steady conversation', () => [...load!.sent.values()].filter((s) => s.acked).length >= 40, 30_000);

    const restarts = [];
    for (const i of [0, 1]) {
      restarts.push(await cluster.restart(i));
      const ackedBefore = [...load.sent.values()].filter((s) => s.acked).length;
      await until(
        `traffic after node ${i + 1} came back`,
        () => [...load!.sent.values()].filter((s) => s.acked).length >= ackedBefore + 40,
        30_000,
      );
    }
    load.stop();
    clearInterval(speaking);
    await until('every receipt', () => load!.inFlight() === 0, 30_000);
    // The call never touched a node: every line said during both restarts arrived, in order.
    await until('the last line of the call', () => call!.received.length === spoken, 5_000);
    expect(call.received).toEqual(Array.from({ length: spoken }, (_, i) => `line ${i + 1}`));
    expect(spoken).toBeGreaterThan(40);
    const figures = await load.figures();
    console.log(
      `rolling restart through nginx: ${figures.sent} messages (${figures.acked} receipted), lost ${figures.lost}, ` +
        `duplicated ${figures.duplicated}, HTTP ${figures.http} (${figures.http5xx} 5xx, ${figures.httpErrors} failed), ` +
        `${figures.reconnects} reconnects (slowest ${figures.maxReconnectMs} ms), ` +
        `restarts ${restarts.map((r) => `stop ${Math.round(r.stopMs)} ms / start ${Math.round(r.startMs)} ms`).join(', ')}`,
    );

    // Each node drained and exited cleanly on SIGTERM.
    expect(restarts.map((r) => r.exitCode)).toEqual([0, 0]);
    // What nginx saw, when something failed.
    if (figures.errors.length) console.log(cluster.nginx.errorLog().split('\n').slice(-30).join('\n'));
    expect(figures.errors).toEqual([]);
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
    expect(figures.http5xx).toBe(0);
    expect(figures.httpErrors).toBe(0);
    // Every client was on one of the two nodes, so every client was told to reconnect once or
    // twice, and came back at its first or second try (back-off 1 s, then 2 s).
    expect(figures.reconnects).toBeGreaterThanOrEqual(load.talkers.length);
    expect(figures.maxReconnectMs).toBeLessThan(5_000);
    // nginx spread the WebSocket connections over both nodes (its log names the upstream).
    const upgradedTo = new Set(
      cluster.nginx
        .accessLog()
        .split('\n')
        .filter((line) => line.includes(' 101 '))
        .map((line) => /upstream=(\S+)/.exec(line)?.[1]),
    );
    for (const node of cluster.nodes) expect(upgradedTo).toContain(`127.0.0.1:${node.port}`);
  });
});
