import type { DevSignInBody, PublicConfig, TermsBody, TokenReply } from '@studymate/contracts';
import { http } from '../../lib/http';
import { useAuthStore } from './store';

export async function fetchPublicConfig(): Promise<PublicConfig> {
  return (await http.get<PublicConfig>('/config')).data;
}

export async function devSignIn(body: DevSignInBody): Promise<TokenReply> {
  const reply = (await http.post<TokenReply>('/auth/dev', body)).data;
  useAuthStore.getState().signedIn(reply);
  return reply;
}

/** Full-page navigation: the provider's consent screen cannot run inside an XHR. */
export function startProviderSignIn(provider: 'naver' | 'google'): void {
  window.location.assign(`/api/v1/auth/${provider}/start`);
}

export async function acceptTerms(body: TermsBody): Promise<void> {
  await http.post('/me/terms', body);
  useAuthStore.getState().updateUser({ termsAccepted: true });
}

export async function logout(): Promise<void> {
  try {
    await http.post('/auth/logout');
  } finally {
    useAuthStore.getState().signedOut(true);
  }
}

export async function logoutEverywhere(): Promise<void> {
  await http.post('/auth/logout-all');
  useAuthStore.getState().signedOut(true);
}
