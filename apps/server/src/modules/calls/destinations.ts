import { Inbound } from '@studymate/contracts';
import type { RealtimeGateway } from '../../platform/realtime/gateway.js';
import type { CallsService } from './service.js';

/**
 * A call's STOMP destinations: only its two participants may subscribe to `/sub/calls/{callId}`
 * or SEND to `/pub/calls/{callId}`; anyone else gets an ERROR that says no more than "not found".
 * A connection that closes ends its legs; the call waits for its person to come back.
 */
export function callsDestinations(realtime: RealtimeGateway, calls: CallsService) {
  realtime.registerSubscription(
    '/sub/calls/{callId}',
    async (principal, { callId }) => (await calls.authorize(principal.userId, callId)) !== null,
  );
  realtime.registerHandler(
    '/pub/calls/{callId}',
    async (principal, { callId }, frame) => {
      const result = await calls.signal(principal, callId, frame.payload);
      if (!result.ok) return { error: result.error };
    },
    { body: Inbound['/pub/calls/{callId}'] },
  );
  realtime.onSessionClosed((principal) => calls.connectionClosed(principal));
}
