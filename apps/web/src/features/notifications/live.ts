import type { RealtimeNotification } from '@studymate/contracts';
import { onConnected, startRealtime, subscribe } from '../chat/realtime';
import * as api from './api';
import { askUnread, useNotificationsStore } from './store';

/** The person asked for browser notifications on this device (kept per device). */
const BROWSER_KEY = 'studymate.browserNotifications';
export const browserNotificationsWanted = () => localStorage.getItem(BROWSER_KEY) === 'on';
export function setBrowserNotificationsWanted(on: boolean) {
  localStorage.setItem(BROWSER_KEY, on ? 'on' : 'off');
}

function showInBrowser(n: RealtimeNotification) {
  if (!('Notification' in window) || Notification.permission !== 'granted' || !browserNotificationsWanted()) return;
  const shown = new Notification(n.title, { body: n.body, tag: n.id });
  shown.onclick = () => {
    window.focus();
    if (n.link) window.location.assign(n.link);
  };
}

let following = false;
let toastTimer: ReturnType<typeof setTimeout> | undefined;

/** Live connections made so far. */
let connects = 0;

/**
 * Sets the bell from the server's count, unless a push came while asking (it carried a newer one).
 * On a connection, an open notifications list reads itself again when something may have come
 * (or been read on another device) while it was not listening: always after a reconnect, and on
 * the first connect when the count moved since the app started.
 */
function catchUp(onConnect: boolean) {
  const reconnect = onConnect && connects++ > 0;
  void askUnread(api.fetchUnread, (n) => n)
    .then(({ answer, fresh, previous }) => {
      if (fresh && (reconnect || (onConnect && answer !== previous))) useNotificationsStore.setState((s) => ({ version: s.version + 1 }));
    })
    .catch(() => {});
}

/**
 * Keeps the bell's count live for the whole app: the count from the server at start (so the bell
 * shows even while the live connection is still opening) and after every (re)connect, and between
 * them every notification and every mark-read on another device carries the new count. Listens
 * through the app's one subscription per destination (chat/realtime.ts), shared with chat and matching.
 */
export function followNotifications(): void {
  if (following) return;
  following = true;
  startRealtime();
  catchUp(false);
  // What was pushed before the subscription was in place (the first connect can come after the
  // first count) or while the connection was down is counted on the server: ask again on every connect.
  onConnected(() => catchUp(true));
  subscribe('/user/queue/notifications', (body) => {
    const n = body as RealtimeNotification;
    if (typeof n.unread === 'number') useNotificationsStore.getState().pushed(n.unread);
    if (!n.category) return;
    useNotificationsStore.setState((s) => ({ version: s.version + 1 }));
    // Quiet hours: counted, never announced.
    if (n.quiet) return;
    if (document.hidden) showInBrowser(n);
    useNotificationsStore.setState({ toast: { id: n.id, title: n.title, body: n.body, link: n.link } });
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => useNotificationsStore.getState().dismissToast(), 5000);
  });
}
