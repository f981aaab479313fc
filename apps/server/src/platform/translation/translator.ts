import { openAiUrl } from '../http/openai-url.js';

/** Translates a chat message; optional, configured by TRANSLATION_* variables. */
export interface Translator {
  readonly name: string;
  translate(text: string, target: string): Promise<string>;
}

export class TranslationFailure extends Error {}

export interface OpenAiCompatibleSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, a Clova Studio gateway).
 * One retry with a short backoff on a 5xx or a dropped connection; a timeout is not retried.
 */
export function openAiCompatibleTranslator(settings: OpenAiCompatibleSettings): Translator {
  const url = openAiUrl(settings.baseUrl, 'chat/completions');
  async function attempt(text: string, target: string): Promise<{ retry: boolean; text?: string; error?: string }> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        signal: AbortSignal.timeout(settings.timeoutMs),
        headers: { 'content-type': 'application/json', ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}) },
        body: JSON.stringify({
          model: settings.model,
          temperature: 0,
          messages: [
            {
              role: 'system',
              content: `Translate the user's chat message into the language with ISO 639-1 code "${target}". Reply with the translation only.`,
            },
            { role: 'user', content: text },
          ],
        }),
      });
    } catch (error) {
      const name = (error as Error).name;
      return {
        retry: name !== 'TimeoutError' && name !== 'AbortError',
        error: name === 'TimeoutError' ? 'timed out' : (error as Error).message,
      };
    }
    if (response.status >= 500) return { retry: true, error: `answered ${response.status}` };
    if (!response.ok) return { retry: false, error: `answered ${response.status}` };
    const body = (await response.json().catch(() => null)) as { choices?: { message?: { content?: unknown } }[] } | null;
    const content = body?.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || !content.trim()) return { retry: false, error: 'answered without a translation' };
    return { retry: false, text: content.trim() };
  }
  return {
    name: `openai-compatible:${settings.model}`,
    async translate(text, target) {
      let result = await attempt(text, target);
      if (result.retry) {
        await new Promise((r) => setTimeout(r, 200));
        result = await attempt(text, target);
      }
      if (result.text === undefined) throw new TranslationFailure(`translation provider ${result.error}`);
      return result.text;
    },
  };
}
