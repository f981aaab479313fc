import { openAiUrl } from './openai-url.js';

export interface OpenAiChatSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

export interface ChatCompletionRequest {
  temperature: number;
  messages: { role: 'system' | 'user'; content: string }[];
  /** Ask for a JSON object as the reply (`response_format`). */
  json?: boolean;
}

/** The reply's text, or why there is none. */
export type ChatCompletion = { ok: true; content: string } | { ok: false; reason: string };

const RETRY_AFTER_MS = 250;

/**
 * One request to an OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, a Clova
 * Studio gateway). Retried once after a short pause on a 5xx, a 429 or a dropped connection; a
 * timeout is not retried. If the caller's signal aborts, its reason is thrown.
 */
export async function chatCompletion(
  settings: OpenAiChatSettings,
  request: ChatCompletionRequest,
  signal?: AbortSignal,
): Promise<ChatCompletion> {
  const url = openAiUrl(settings.baseUrl, 'chat/completions');
  const body = JSON.stringify({
    model: settings.model,
    temperature: request.temperature,
    ...(request.json ? { response_format: { type: 'json_object' } } : {}),
    messages: request.messages,
  });

  async function attempt(): Promise<{ retry: boolean; completion: ChatCompletion }> {
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: { 'content-type': 'application/json', ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}) },
        body,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) return { retry: false, completion: { ok: false, reason: 'timed out' } };
      return { retry: true, completion: { ok: false, reason: (error as Error).message } };
    }
    const failed = (reason: string, retry = false) => ({ retry, completion: { ok: false as const, reason } });
    if (response.status >= 500 || response.status === 429) return failed(`answered ${response.status}`, true);
    if (!response.ok) return failed(`answered ${response.status}`);
    const reply = (await response.json().catch(() => null)) as { choices?: { message?: { content?: unknown } }[] } | null;
    const content = reply?.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || !content.trim()) return failed('answered without text');
    return { retry: false, completion: { ok: true, content } };
  }

  let result = await attempt();
  if (result.retry) {
    await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
    result = await attempt();
  }
  return result.completion;
}
