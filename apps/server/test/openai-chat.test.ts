import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCompletion } from '../src/platform/http/openai-chat.js';
import { startOpenAiProvider } from './helpers/openai-provider.js';

describe('OpenAI-compatible chat completions', () => {
  let ai: Awaited<ReturnType<typeof startOpenAiProvider>>;
  const ask = (timeoutMs = 1000, signal?: AbortSignal) =>
    chatCompletion(
      { baseUrl: `${ai.url}/v1/`, model: 'test', timeoutMs },
      {
        temperature: 0,
        messages: [
          { role: 'system', content: 'Translate into the language with ISO 639-1 code "ko".' },
          { role: 'user', content: 'hello' },
        ],
      },
      signal,
    );
  beforeAll(async () => {
    ai = await startOpenAiProvider();
  });
  afterAll(async () => ai?.close());

  it('answers with the reply text', async () => {
    ai.setMode('ok');
    expect(await ask()).toEqual({ ok: true, content: '[ko] hello' });
  });

  it('tries once more after a 429 or a 5xx, and no more', async () => {
    for (const mode of ['busy', 'flaky'] as const) {
      ai.setMode(mode);
      expect(await ask(), mode).toEqual({ ok: true, content: '[ko] hello' });
      expect(ai.calls(), mode).toBe(2);
    }
    ai.setMode('error');
    expect(await ask()).toEqual({ ok: false, reason: 'answered 503' });
    expect(ai.calls()).toBe(2);
  });

  it('gives up on a timeout without retrying, and on a reply without text', async () => {
    ai.setMode('slow');
    expect(await ask(200)).toEqual({ ok: false, reason: 'timed out' });
    expect(ai.calls()).toBe(1);
    ai.setMode('malformed');
    expect(await ask()).toEqual({ ok: false, reason: 'answered without text' });
    expect(ai.calls()).toBe(1);
  });

  it("throws the caller's abort", async () => {
    ai.setMode('slow');
    const controller = new AbortController();
    const asking = ask(5000, controller.signal);
    setTimeout(() => controller.abort(new Error('the job was stopped')), 50);
    await expect(asking).rejects.toThrow('the job was stopped');
  });
});
