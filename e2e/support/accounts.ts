import { expect } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { StepBodies, TokenReply } from '@studymate/contracts';
import { baseUrl } from './browser';

// Sign-in, terms and onboarding are covered by onboarding.e2e.ts; other specs go through the API
// so they spend their time on their own feature. The request context shares the page's cookies,
// so the app restores this session from the refresh cookie like after any reload.
const CSRF = { 'X-Requested-With': 'studymate' };

/** A Korean speaker learning English, or the other way round: complementary partners. */
function profile(native: 'ko' | 'en', englishName: string, cityId: StepBodies['basic']['cityId']): StepBodies {
  const learns = native === 'ko' ? 'en' : 'ko';
  return {
    basic: { englishName, cityId, intro: 'STUDYMATE 채팅 테스트용 프로필입니다.' },
    languages: { native, speaks: [], learns: [{ language: learns, level: 'B1', partnerLevel: 'C1' }] },
    interests: { motivations: ['friends'], topics: ['food'], learningStyle: 'both', expectation: 'practical' },
    partner: { partnerGender: 'any', partnerStyles: ['friendly'], ageMin: 20, ageMax: 40 },
    schedule: { communicationMethod: 'text', dailyMinutes: 10, availability: [{ day: 3, slot: 40 }] },
  };
}

/** Signs in through dev sign-in, accepts the terms and saves all five onboarding steps. */
export async function onboardedUser(
  context: BrowserContext,
  email: string,
  displayName: string,
  native: 'ko' | 'en',
  englishName = native === 'ko' ? 'Mina Kim' : 'Sam Taylor',
  cityId: StepBodies['basic']['cityId'] = 'seoul',
  /** Another server than the suite's (the calls spec's TURN-enabled one). */
  server = baseUrl,
) {
  const api = context.request;
  const signIn = await api.post(`${server}/api/v1/auth/dev`, { data: { email, displayName }, headers: CSRF });
  expect(signIn.status(), await signIn.text()).toBe(200);
  const reply = (await signIn.json()) as TokenReply;
  return setUp(context, reply, native, englishName, cityId, server);
}

/** Accepts the terms and saves all five onboarding steps for a signed-in person. */
async function setUp(
  context: BrowserContext,
  reply: TokenReply,
  native: 'ko' | 'en',
  englishName: string,
  cityId: StepBodies['basic']['cityId'],
  server: string,
) {
  const api = context.request;
  const headers = { Authorization: `Bearer ${reply.accessToken}` };
  const terms = await api.post(`${server}/api/v1/me/terms`, {
    data: { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: false },
    headers,
  });
  expect(terms.ok(), await terms.text()).toBe(true);
  for (const [step, body] of Object.entries(profile(native, englishName, cityId))) {
    const saved = await api.put(`${server}/api/v1/onboarding/${step}`, { data: body, headers });
    expect(saved.ok(), `${step}: ${await saved.text()}`).toBe(true);
  }
  return { id: reply.user.id, headers };
}

/**
 * The e2e server's administrator: signs in with Naver (the local provider, whose member's e-mail
 * ADMIN_EMAILS lists; dev sign-in never grants admin), then sets up like anyone.
 */
export async function administrator(context: BrowserContext) {
  const api = context.request;
  const start = await api.get(`${baseUrl}/api/v1/auth/naver/start`);
  expect(start.ok(), await start.text()).toBe(true);
  const refreshed = await api.post(`${baseUrl}/api/v1/auth/refresh`, { headers: CSRF });
  const reply = (await refreshed.json()) as TokenReply;
  expect(reply.user.role).toBe('admin');
  return setUp(context, reply, 'ko', 'Admin Kim', 'seoul', baseUrl);
}
