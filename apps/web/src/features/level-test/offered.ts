import { useEffect } from 'react';
import type { Profile } from '@studymate/contracts';
import { useProfileStore } from '../profile/store';

/**
 * Whether this person is offered the level test: it assesses English speaking, so a native English
 * speaker is told so instead (the server refuses them with LEVEL_TEST_NOT_OFFERED). Null until the
 * profile is known; the profile is read if no page has yet.
 */
export function useLevelTestOffered(): boolean | null {
  const profile = useProfileStore((s) => s.profile);
  const load = useProfileStore((s) => s.load);
  useEffect(() => {
    if (!useProfileStore.getState().profile) load().catch(() => undefined);
  }, [load]);
  return profile ? levelTestOfferedTo(profile) : null;
}

/** The rule itself, for a profile in hand (one just read after onboarding, say). */
export const levelTestOfferedTo = (profile: Profile): boolean => profile.languages?.native !== 'en';
