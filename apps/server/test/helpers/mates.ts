import { api, givenUser, STEP_BODIES, type Client, type TestApp } from './app.js';

/** A Korean speaker learning English (the onboarding defaults), or an English speaker learning Korean. */
export const KOREAN = STEP_BODIES.languages;
export const ENGLISH = { native: 'en', speaks: [], learns: [{ language: 'ko', level: 'A2', partnerLevel: 'C1' }] };

/** A signed-in person who finished all five onboarding steps through the API. */
export async function givenOnboarded(
  t: Pick<TestApp, 'url'>,
  name: string,
  languages: object,
  partner: object = STEP_BODIES.partner,
  basic: object = {},
): Promise<Client> {
  const user = await givenUser(t, { name });
  const bodies = { ...STEP_BODIES, basic: { ...STEP_BODIES.basic, englishName: name, ...basic }, languages, partner };
  for (const step of ['basic', 'languages', 'interests', 'partner', 'schedule'] as const) {
    const saved = await api(t, 'PUT', `/api/v1/onboarding/${step}`, { token: user.token, body: bodies[step] });
    if (saved.status !== 200) throw new Error(`${step}: ${saved.status} ${saved.text}`);
  }
  return user;
}

/** Two people who asked and accepted through the matching API, so they are mates. */
export async function givenMates(t: Pick<TestApp, 'url'>, a: Client, b: Client) {
  const sent = await api(t, 'POST', '/api/v1/matching/requests', {
    token: a.token,
    body: { receiverId: b.userId, message: 'Shall we practise?' },
  });
  if (sent.status !== 200) throw new Error(`request: ${sent.status} ${sent.text}`);
  const accepted = await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: b.token });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${accepted.text}`);
}
