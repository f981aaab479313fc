import { create } from 'zustand';

interface Toast {
  id: string;
  title: string;
  body?: string;
  link?: string;
}

interface NotificationsState {
  unread: number;
  /** Counts pushed so far: a count the server answered with, asked for before one of them arrived, is older than it. */
  pushes: number;
  toast: Toast | null;
  /** Bumped on every stored notification, so an open list reloads. */
  version: number;
  /** A count pushed by the server (a new notification, or notifications read on any device): always the newest. */
  pushed(unread: number): void;
  dismissToast(): void;
}

export const useNotificationsStore = create<NotificationsState>()((set) => ({
  unread: 0,
  pushes: 0,
  toast: null,
  version: 0,
  pushed: (unread) => set((s) => ({ unread, pushes: s.pushes + 1 })),
  dismissToast: () => set({ toast: null }),
}));

/**
 * Asks the server something whose answer carries the unread count (the count, a page, a mark-read)
 * and sets the bell from it, unless a count was pushed while asking: the push is newer, and every
 * change the answer reflects is pushed too. `fresh` says whether the answer's count was used;
 * `previous` is the bell's count before it.
 */
export async function askUnread<T>(ask: () => Promise<T>, unreadOf: (answer: T) => number) {
  const asked = useNotificationsStore.getState().pushes;
  const answer = await ask();
  const { pushes, unread: previous } = useNotificationsStore.getState();
  const fresh = pushes === asked;
  if (fresh) useNotificationsStore.setState({ unread: unreadOf(answer) });
  return { answer, fresh, previous };
}
