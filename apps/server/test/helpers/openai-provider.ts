import { createServer } from 'node:http';

export type AiMode = 'ok' | 'slow' | 'error' | 'malformed' | 'flaky' | 'busy';

/** A local server speaking the OpenAI chat-completions API, with failure modes for tests. */
export async function startOpenAiProvider() {
  let mode: AiMode = 'ok';
  let calls = 0;
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    calls++;
    if (req.url !== '/v1/chat/completions' || req.method !== 'POST') return void res.writeHead(404).end();
    const body = JSON.parse(raw) as { model: string; messages: { role: string; content: string }[] };
    if (mode === 'slow') await new Promise((r) => setTimeout(r, 3000));
    if (mode === 'busy' && calls % 2 === 1)
      return void res.writeHead(429, { 'content-type': 'application/json' }).end('{"error":{"message":"rate limited"}}');
    if (mode === 'error' || (mode === 'flaky' && calls % 2 === 1))
      return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"overloaded"}}');
    if (mode === 'malformed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}');
    const target = /code "([a-z]{2})"/.exec(body.messages[0]!.content)?.[1];
    const text = body.messages[1]!.content;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-test',
        object: 'chat.completion',
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: `[${target}] ${text}` }, finish_reason: 'stop' }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    setMode: (m: AiMode) => {
      mode = m;
      calls = 0;
    },
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
