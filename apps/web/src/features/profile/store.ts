import { create } from 'zustand';
import type { Profile } from '@studymate/contracts';
import { fetchProfile } from './api';
import { useAuthStore } from '../auth/store';

interface ProfileState {
  profile: Profile | null;
  load: () => Promise<Profile>;
  clear: () => void;
}

/** The signed-in user's profile as last read from GET /me. */
export const useProfileStore = create<ProfileState>()((set) => ({
  profile: null,
  load: async () => {
    const profile = await fetchProfile();
    set({ profile });
    return profile;
  },
  clear: () => set({ profile: null }),
}));

// Another person may sign in next in this tab; never show them the previous profile.
useAuthStore.subscribe((s) => {
  if (s.status === 'signedOut') useProfileStore.getState().clear();
});
