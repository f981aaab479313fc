import { describe, expect, it } from 'vitest';
import { connectStomp, startNode, tokenFor } from './harness.js';

describe('SEND rate per connection', () => {
  it('accepts a burst of twice the rate, then refuses with RATE_LIMITED instead of flooding the room', async () => {
    const node = await startNode({ limits: { maxSendsPerSecond: 3 } });
    const handled: string[] = [];
    node.gateway.registerHandler('/pub/test/flood', async (_principal, _params, frame) => {
      handled.push(frame.body.toString());
    });
    try {
      const stomp = await connectStomp(node.url, { Authorization: `Bearer ${await tokenFor(node, 'flooder')}` });
      for (let i = 0; i < 10; i++) stomp.client.publish({ destination: '/pub/test/flood', body: `m${i}` });
      await stomp.closed;
      expect(handled).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
      expect(stomp.errors[0]?.headers.message).toMatch(/slow down/);
    } finally {
      await node.close();
    }
  });
});
