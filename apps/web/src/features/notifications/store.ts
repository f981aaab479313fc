import { create } from 'zustand';

interface Toast {
  id: string;
  title: string;
  body?: string;
  link?: string;
}

interface NotificationsState {
  unread: number;
  toast: Toast | null;
  /** Bumped on every stored notification, so an open list reloads. */
  version: number;
  setUnread(unread: number): void;
  dismissToast(): void;
}

export const useNotificationsStore = create<NotificationsState>()((set) => ({
  unread: 0,
  toast: null,
  version: 0,
  setUnread: (unread) => set({ unread }),
  dismissToast: () => set({ toast: null }),
}));
