import { Navigate, Outlet, useLocation } from 'react-router';
import { useAuthStore } from '../store';
import { FullPageSpinner } from '../../shell/components/FullPageSpinner';
import { SessionUnavailable } from './SessionUnavailable';

/** Not signed in → /signin (remembering where the user was going). */
export function RequireSession() {
  const status = useAuthStore((s) => s.status);
  const onPurpose = useAuthStore((s) => s.loggedOutOnPurpose);
  const location = useLocation();
  if (status === 'restoring') return <FullPageSpinner />;
  if (status === 'unavailable') return <SessionUnavailable />;
  if (status === 'signedOut') {
    return <Navigate to="/signin" replace state={onPurpose ? null : { from: location.pathname }} />;
  }
  return <Outlet />;
}

/** Terms not accepted → /terms; onboarding and everything else need the consent first. */
export function RequireTerms() {
  const accepted = useAuthStore((s) => s.user?.termsAccepted ?? false);
  return accepted ? <Outlet /> : <Navigate to="/terms" replace />;
}

/** Onboarding incomplete → the first unfinished step (resolved by /onboarding). */
export function RequireOnboarded() {
  const completed = useAuthStore((s) => s.user?.onboardingCompleted ?? false);
  return completed ? <Outlet /> : <Navigate to="/onboarding" replace />;
}
