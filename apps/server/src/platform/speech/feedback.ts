import { openAiUrl } from '../http/openai-url.js';

/**
 * Optional extra feedback on spoken answers from an OpenAI-compatible chat-completions endpoint
 * (OpenAI, Ollama, vLLM, a Clova Studio gateway). It only adds advice: the level never depends
 * on it, so every failure here ends in "no extra feedback", never in an error.
 */
export interface FeedbackItem {
  kind: 'strength' | 'improve';
  ko: string;
  en: string;
}

export interface FeedbackRequest {
  level: string;
  answers: { task: string; transcript: string }[];
}

export interface FeedbackProvider {
  readonly name: string;
  /** At most four items, or null when the provider could not help this time. */
  suggest(request: FeedbackRequest, signal?: AbortSignal): Promise<FeedbackItem[] | null>;
}

const SYSTEM = [
  'You are an English speaking coach for Korean learners on a language-exchange app.',
  "You get the CEFR level an automatic test gave and the transcripts of the learner's spoken answers.",
  'Give at most four short, concrete feedback items about grammar accuracy and word choice, quoting the learner where useful.',
  'Reply with JSON only: {"items":[{"kind":"strength"|"improve","en":"...","ko":"..."}]} where "ko" is the same advice in Korean.',
].join(' ');

export function openAiFeedbackProvider(config: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number }): FeedbackProvider {
  const url = openAiUrl(config.baseUrl, 'chat/completions');
  const name = 'openai-compatible-feedback';

  async function once(request: FeedbackRequest, signal?: AbortSignal): Promise<{ retry: boolean; items: FeedbackItem[] | null }> {
    const timeout = AbortSignal.timeout(config.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: { 'content-type': 'application/json', ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
        body: JSON.stringify({
          model: config.model,
          temperature: 0.2,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: SYSTEM },
            {
              role: 'user',
              content: JSON.stringify({
                level: request.level,
                answers: request.answers.map((a) => ({ task: a.task, transcript: a.transcript.slice(0, 4000) })),
              }),
            },
          ],
        }),
      });
    } catch {
      if (signal?.aborted) throw signal.reason;
      return { retry: !timeout.aborted, items: null };
    }
    if (response.status >= 500 || response.status === 429) return { retry: true, items: null };
    if (!response.ok) return { retry: false, items: null };
    const body = (await response.json().catch(() => null)) as { choices?: { message?: { content?: unknown } }[] } | null;
    const content = body?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') return { retry: false, items: null };
    let parsed: any;
    try {
      // Some models wrap JSON in a code fence despite being asked not to.
      parsed = JSON.parse(content.replace(/^\s*```(?:json)?|```\s*$/g, ''));
    } catch {
      return { retry: false, items: null };
    }
    const items = (Array.isArray(parsed?.items) ? parsed.items : [])
      .filter(
        (i: any) =>
          (i?.kind === 'strength' || i?.kind === 'improve') &&
          typeof i.en === 'string' &&
          typeof i.ko === 'string' &&
          i.en.trim() &&
          i.ko.trim(),
      )
      .slice(0, 4)
      .map((i: any) => ({ kind: i.kind, en: i.en.trim().slice(0, 500), ko: i.ko.trim().slice(0, 500) }));
    return { retry: false, items: items.length ? items : null };
  }

  return {
    name,
    async suggest(request, signal) {
      let result = await once(request, signal);
      if (result.retry) {
        await new Promise((r) => setTimeout(r, 300));
        result = await once(request, signal);
      }
      return result.items;
    },
  };
}
