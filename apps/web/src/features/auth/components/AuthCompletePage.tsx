import { Navigate } from 'react-router';
import { useAuthStore } from '../store';
import { FullPageSpinner } from '../../shell/components/FullPageSpinner';
import { SessionUnavailable } from './SessionUnavailable';

/**
 * Where the server sends the browser after Naver/Google: the refresh cookie is set, and the
 * app-wide session restore (one /auth/refresh call) turns it into an access token.
 */
export function AuthCompletePage() {
  const status = useAuthStore((s) => s.status);
  if (status === 'restoring') return <FullPageSpinner />;
  if (status === 'unavailable') return <SessionUnavailable />;
  return status === 'signedIn' ? <Navigate to="/" replace /> : <Navigate to="/signin?error=SESSION_NOT_STARTED" replace />;
}
