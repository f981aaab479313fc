import { api, ENGLISH, givenOnboarded, KOREAN, type TestApp } from './app.js';

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
