import type { RealtimeGateway } from '../../platform/realtime/gateway.js';
import { mayAdminister } from './policy.js';

/** New reports reach the administrators' open queue pages live; nobody else may subscribe. */
export function safetyDestinations(realtime: RealtimeGateway) {
  realtime.registerSubscription('/sub/admin/reports', async (principal) => mayAdminister(principal.role));
}
