import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';

export type NaverMode = 'ok' | 'deny' | 'token-error' | 'profile-error' | 'slow';

/**
 * A local server speaking Naver Login's protocol: `/oauth2.0/authorize` (redirects back with a
 * code or `error=access_denied`), `/oauth2.0/token` and the profile API `/v1/nid/me`.
 */
export async function startNaverProvider(clientId: string, clientSecret: string) {
  const codes = new Map<string, string>(); // code -> member id
  const tokens = new Map<string, string>(); // access token -> member id
  const members = new Map<string, { email: string; nickname: string }>();
  let mode: NaverMode = 'ok';
  let nextMember = 'naver-member-1';

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/oauth2.0/authorize') {
      const redirect = new URL(url.searchParams.get('redirect_uri')!);
      redirect.searchParams.set('state', url.searchParams.get('state') ?? '');
      if (url.searchParams.get('client_id') !== clientId || url.searchParams.get('response_type') !== 'code')
        return json(400, { error: 'invalid_request' });
      if (mode === 'deny') {
        redirect.searchParams.set('error', 'access_denied');
        redirect.searchParams.set('error_description', 'Canceled By User');
      } else {
        const code = randomBytes(8).toString('hex');
        codes.set(code, nextMember);
        redirect.searchParams.set('code', code);
      }
      res.writeHead(302, { location: redirect.toString() });
      return res.end();
    }
    if (url.pathname === '/oauth2.0/token') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const params = new URLSearchParams(body || url.search);
      if (mode === 'slow') await new Promise((r) => setTimeout(r, 3000));
      if (mode === 'token-error') return json(200, { error: 'server_error', error_description: 'temporary failure' });
      const member = codes.get(params.get('code') ?? '');
      if (params.get('client_id') !== clientId || params.get('client_secret') !== clientSecret || !member) {
        return json(200, { error: 'invalid_request', error_description: 'no valid offline key' });
      }
      codes.delete(params.get('code')!);
      const access = randomBytes(12).toString('hex');
      tokens.set(access, member);
      return json(200, { access_token: access, refresh_token: randomBytes(12).toString('hex'), token_type: 'bearer', expires_in: '3600' });
    }
    if (url.pathname === '/v1/nid/me') {
      if (mode === 'profile-error') return json(500, { resultcode: '024', message: 'Authentication failed' });
      const member = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!member) return json(401, { resultcode: '024', message: 'Authentication failed (인증 실패하였습니다.)' });
      const info = members.get(member) ?? { email: `${member}@naver.test`, nickname: '네이버회원' };
      return json(200, {
        resultcode: '00',
        message: 'success',
        response: { id: member, email: info.email, nickname: info.nickname, name: info.nickname },
      });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (m: NaverMode) => void (mode = m),
    setMember: (id: string, info: { email: string; nickname: string }) => {
      nextMember = id;
      members.set(id, info);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
