import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RTCPeerConnection, type RTCIceServer } from 'werift';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, startApp, type TestApp } from './helpers/app.js';
import { candidateTypes, gathered, openRelayedPair } from './helpers/relay-peers.js';
import { startTurnServer, turnMissing, type TurnServer } from './helpers/turn.js';
import { until } from './helpers/wait.js';

const missing = turnMissing();

/** Two relay-only peers on the given servers, and whether a message crosses between them. */
async function relayedExchange(aServers: RTCIceServer[], bServers: RTCIceServer[]) {
  const pair = await openRelayedPair(aServers, bServers);
  try {
    if (!pair.channel) return { ...pair, message: null };
    pair.channel.send('안녕하세요, through the relay');
    await until('the message through the relay', () => pair.received.length > 0, 5000).catch(() => undefined);
    return { ...pair, message: pair.received[0] ?? null };
  } finally {
    await pair.close();
  }
}

for (const backend of BACKENDS) {
  const skip = backend.skip ?? missing;
  describe.skipIf(skip)(`calls through coturn [${backend.name}]${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let turn: TurnServer;
    let t: TestApp;
    beforeAll(async () => {
      turn = await startTurnServer();
      t = await startApp(backend, { TURN_URLS: `${turn.url}?transport=udp`, TURN_SECRET: turn.secret, TURN_TTL_SECONDS: '300' });
    });
    afterAll(async () => {
      await t?.close();
      await turn?.stop();
    });

    it('credentials from our endpoint let two peers allocate relays on coturn and talk only through them', async () => {
      const [minji, alex] = [await givenUser(t), await givenUser(t)];
      const servers = async (token: string) =>
        (await api(t, 'GET', '/api/v1/calls/ice-servers', { token })).json.iceServers as RTCIceServer[];
      const result = await relayedExchange(await servers(minji.token), await servers(alex.token));
      expect(result.offerTypes.length).toBeGreaterThan(0);
      expect(new Set([...result.offerTypes, ...result.answerTypes])).toEqual(new Set(['relay']));
      expect(result.connected).toBe(true);
      expect(result.message).toBe('안녕하세요, through the relay');
      // coturn saw both people's allocations under their own TURN usernames.
      expect(turn.output()).toContain(minji.userId);
      expect(turn.output()).toContain(alex.userId);
    });

    it('coturn refuses an expired credential and a forged one: no relay, no call', async () => {
      const user = await givenUser(t);
      const good = (await api(t, 'GET', '/api/v1/calls/ice-servers', { token: user.token })).json.iceServers as RTCIceServer[];
      const turnEntry = good.find((s) => String(s.urls).startsWith('turn:'))!;
      const expiredName = `${Math.floor(Date.now() / 1000) - 60}:${user.userId}`;
      const expired = [
        { urls: turnEntry.urls, username: expiredName, credential: createHmac('sha1', turn.secret).update(expiredName).digest('base64') },
      ];
      const forged = [
        {
          urls: turnEntry.urls,
          username: turnEntry.username,
          credential: createHmac('sha1', 'not-the-secret').update(turnEntry.username!).digest('base64'),
        },
      ];
      for (const bad of [expired, forged]) {
        const pc = new RTCPeerConnection({ iceServers: bad, iceTransportPolicy: 'relay' });
        pc.createDataChannel('practice');
        await pc.setLocalDescription(await pc.createOffer());
        // coturn answers the allocation with 401 and the peer ends up with no candidate at all.
        await until('coturn refused the allocation', () =>
          turn.output().includes(`user <${bad[0]!.username}>: incoming packet message processed, error 401`),
        );
        expect(candidateTypes((await gathered(pc, 1500)).sdp)).toEqual([]);
        void pc.close();
      }
    }, 60_000);
  });
}
