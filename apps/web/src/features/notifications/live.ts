import type { RealtimeNotification } from '@studymate/contracts';
import { onConnected, startRealtime, subscribe } from '../chat/realtime';
import * as api from './api';
import { useNotificationsStore } from './store';

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
/** Counts pushed so far: a count asked for before one of them arrived is older than it. */
let pushed = 0;

/** Sets the bell from the server's count, unless a push came while asking (it carried a newer one). */
function catchUp() {
  const asked = pushed;
  void api
    .fetchUnread()
    .then((n) => {
      if (pushed === asked) useNotificationsStore.getState().setUnread(n);
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
  catchUp();
  // What was pushed before the subscription was in place (the first connect can come after the
  // first count) or while the connection was down is counted on the server: ask again on every connect.
  onConnected(catchUp);
  subscribe('/user/queue/notifications', (body) => {
    const n = body as RealtimeNotification;
    if (typeof n.unread === 'number') {
      pushed++;
      useNotificationsStore.getState().setUnread(n.unread);
    }
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
