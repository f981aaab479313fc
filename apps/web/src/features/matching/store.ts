import { create } from 'zustand';
import type { Mate, MatchRequest, RealtimeNotification } from '@studymate/contracts';
import { currentUiLanguage } from '../../i18n';
import { startRealtime, subscribe } from '../chat/realtime';
import * as api from './api';

interface MatchingState {
  received: MatchRequest[] | null;
  sent: MatchRequest[] | null;
  mates: Mate[] | null;
  set(part: Partial<Pick<MatchingState, 'received' | 'sent' | 'mates'>>): void;
  reset(): void;
}

export const useMatchingStore = create<MatchingState>()((set) => ({
  received: null,
  sent: null,
  mates: null,
  set: (part) => set(part),
  reset: () => set({ received: null, sent: null, mates: null }),
}));

const store = () => useMatchingStore.getState();

export async function loadRequests(): Promise<void> {
  const locale = currentUiLanguage();
  const [received, sent] = await Promise.all([api.fetchReceived(locale), api.fetchSent(locale)]);
  store().set({ received, sent });
}

export async function loadMates(): Promise<void> {
  store().set({ mates: await api.fetchMates(currentUiLanguage()) });
}

let live: (() => void) | null = null;

/**
 * Follows the notifications queue while a matching page is open: a new request shows in the
 * received list at once, and an accept moves it to mates.
 */
export function followMatchingNews(): () => void {
  if (!live) {
    startRealtime();
    live = subscribe('/user/queue/notifications', (body) => {
      const kind = (body as RealtimeNotification).kind;
      if (kind === 'match-request') void loadRequests().catch(() => {});
      if (kind === 'match-accepted') void Promise.all([loadRequests(), loadMates()]).catch(() => {});
    });
  }
  return () => {
    live?.();
    live = null;
  };
}
