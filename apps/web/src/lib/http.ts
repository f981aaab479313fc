import axios, { AxiosError, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';
import type { ErrorBody, TokenReply } from '@studymate/contracts';
import { useAuthStore } from '../features/auth/store';
import { noteSuspension } from '../features/safety/store';

const API_BASE = '/api/v1';
// The server requires this header on cookie-authenticated auth calls (a CSRF guard).
const CSRF_HEADER = { 'X-Requested-With': 'studymate' };

export const http = axios.create({
  baseURL: API_BASE,
  withCredentials: true,
  headers: CSRF_HEADER,
});

// A bare client for the refresh call itself, so a 401 from refresh never re-enters the interceptor.
const authClient = axios.create({ baseURL: API_BASE, withCredentials: true, headers: CSRF_HEADER });

let refreshing: Promise<TokenReply | null> | null = null;

/**
 * Exchanges the refresh cookie for a new access token. The server rotates the refresh token on
 * every use and treats a second use of the old one as theft (ending the whole session family), so
 * renewals must never overlap: callers in this tab share one request, and tabs take turns through
 * a Web Lock, so each renewal is sent with the cookie the previous one set.
 */
async function exchangeRefreshCookie(): Promise<TokenReply> {
  const renew = async () => (await authClient.post<TokenReply>('/auth/refresh')).data;
  if (!navigator.locks) return renew();
  let reply: TokenReply | undefined;
  await navigator.locks.request('studymate.refresh', async () => {
    reply = await renew();
  });
  return reply!;
}

export function refreshSession(): Promise<TokenReply | null> {
  refreshing ??= exchangeRefreshCookie()
    .then((reply) => {
      useAuthStore.getState().signedIn(reply);
      return reply;
    })
    .catch((error: unknown) => {
      // Only the server's "no valid session" ends the session here. A rate limit, an outage or
      // a dropped connection says nothing about the cookie, so the user is not sent to sign in.
      const refusal = apiError(error);
      if (refusal?.code === 'ACCOUNT_SUSPENDED') {
        noteSuspension(refusal.details);
        useAuthStore.getState().signedOut();
      } else if (httpStatus(error) === 401) useAuthStore.getState().signedOut();
      else useAuthStore.getState().unavailable();
      return null;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

http.interceptors.request.use((config) => {
  const token = useAuthStore.getState().accessToken;
  if (token) config.headers.set('Authorization', `Bearer ${token}`);
  return config;
});

const NO_RETRY = new Set(['/auth/dev', '/auth/refresh', '/auth/logout']);

type RetriableConfig = InternalAxiosRequestConfig & { _retried?: boolean };

http.interceptors.response.use(undefined, async (error: unknown) => {
  if (!(error instanceof AxiosError) || error.response?.status !== 401 || !error.config) {
    throw error;
  }
  const config = error.config as RetriableConfig;
  // Cookie-based auth calls answer 401 for their own reasons; a retry would hide the real error.
  if (config._retried || NO_RETRY.has(config.url ?? '')) throw error;
  const reply = await refreshSession();
  // No renewal: either the session ended (the store says signedOut and the route guards take
  // over) or the server could not be reached; either way the caller sees the original 401.
  if (!reply) throw error;
  config._retried = true;
  config.headers.set('Authorization', `Bearer ${reply.accessToken}`);
  return http.request(config as AxiosRequestConfig);
});

/** The server's error body, when the failure came from the API. */
export function apiError(error: unknown): ErrorBody['error'] | null {
  if (error instanceof AxiosError) {
    const body = error.response?.data as Partial<ErrorBody> | undefined;
    if (body && typeof body === 'object' && body.error && typeof body.error.code === 'string') {
      return body.error;
    }
  }
  return null;
}

export function httpStatus(error: unknown): number | null {
  return error instanceof AxiosError ? (error.response?.status ?? null) : null;
}
