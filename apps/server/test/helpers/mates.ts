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
): Promise<Client> {
  const user = await givenUser(t, { name });
  const bodies = { ...STEP_BODIES, basic: { ...STEP_BODIES.basic, englishName: name }, languages, partner };
  for (const step of ['basic', 'languages', 'interests', 'partner', 'schedule'] as const) {
    const saved = await api(t, 'PUT', `/api/v1/onboarding/${step}`, { token: user.token, body: bodies[step] });
    if (saved.status !== 200) throw new Error(`${step}: ${saved.status} ${saved.text}`);
  }
  return user;
}

/** Two onboarded people who became mates the way people do: a request, then an accept. Returns their room too. */
export async function givenMates(t: Pick<TestApp, 'url'>, names: [string, string] = ['Minji', 'Alex']) {
  const [a, b] = [await givenOnboarded(t, names[0], KOREAN), await givenOnboarded(t, names[1], ENGLISH)];
  const sent = await api(t, 'POST', '/api/v1/matching/requests', {
    token: a.token,
    body: { receiverId: b.userId, message: 'Shall we talk?' },
  });
  if (sent.status !== 200) throw new Error(`request: ${sent.status} ${sent.text}`);
  const accepted = await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: b.token });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${accepted.text}`);
  return { a, b, roomId: accepted.json.roomId as string };
}
