import type { RealtimeNotification } from '@studymate/contracts';
import { startRealtime, subscribe } from '../chat/realtime';

/** Calls `changed` whenever a notice about a session arrives (proposed, accepted, moved, cancelled...), while a page listens. */
export function followSessionNews(changed: () => void): () => void {
  startRealtime();
  return subscribe('/user/queue/notifications', (body) => {
    if ((body as RealtimeNotification).kind?.startsWith('session-')) changed();
  });
}
