import { useEffect, useState } from 'react';
import type { DevSignInBody, PublicConfig, TermsBody, TokenReply } from '@studymate/contracts';
import { http } from '../../lib/http';
import { useAuthStore } from './store';

let publicConfig: Promise<PublicConfig> | null = null;

/** Asked once per page load (it changes only with a server restart); asked again after a failure. */
export function fetchPublicConfig(): Promise<PublicConfig> {
  publicConfig ??= http.get<PublicConfig>('/config').then(
    (res) => res.data,
    (error: unknown) => {
      publicConfig = null;
      throw error;
    },
  );
  return publicConfig;
}

/** The server's public configuration, or null until it has arrived (or when it could not be read). */
export function usePublicConfig(): PublicConfig | null {
  const [config, setConfig] = useState<PublicConfig | null>(null);
  useEffect(() => {
    let live = true;
    fetchPublicConfig().then(
      (c) => live && setConfig(c),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  return config;
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
  useAuthStore.getState().signedOut(true, 'everywhere');
}
