import { create } from 'zustand';
import type { SessionUser, TokenReply } from '@studymate/contracts';

/**
 * The session lives in memory only: the access token is never written to storage or a URL,
 * and a reload restores it through the httpOnly refresh cookie.
 */
/** `unavailable`: the session could not be checked (offline, rate limit, server error) — not a sign-out. */
export type SessionStatus = 'restoring' | 'signedIn' | 'signedOut' | 'unavailable';
/** Why this device was signed out, for the sign-in page to say: the account was deleted, or every device was signed out. */
export type Farewell = 'deleted' | 'everywhere';

interface AuthState {
  status: SessionStatus;
  accessToken: string | null;
  user: SessionUser | null;
  /** True after logging out on purpose: the next sign-in starts at home, not where the user was. */
  loggedOutOnPurpose: boolean;
  farewell: Farewell | null;
  signedIn: (reply: TokenReply) => void;
  signedOut: (onPurpose?: boolean, farewell?: Farewell) => void;
  unavailable: () => void;
  retry: () => void;
  updateUser: (patch: Partial<SessionUser>) => void;
}

export const useAuthStore = create<AuthState>()((set) => ({
  status: 'restoring',
  accessToken: null,
  user: null,
  loggedOutOnPurpose: false,
  farewell: null,
  signedIn: (reply) =>
    set({ status: 'signedIn', accessToken: reply.accessToken, user: reply.user, loggedOutOnPurpose: false, farewell: null }),
  signedOut: (onPurpose = false, farewell) =>
    set({ status: 'signedOut', accessToken: null, user: null, loggedOutOnPurpose: onPurpose, farewell: farewell ?? null }),
  unavailable: () => set((s) => (s.status === 'restoring' ? { status: 'unavailable' } : {})),
  retry: () => set({ status: 'restoring' }),
  updateUser: (patch) => set((s) => (s.user ? { user: { ...s.user, ...patch } } : {})),
}));
