import { chatCompletion, type OpenAiChatSettings } from '../http/openai-chat.js';

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

export function openAiFeedbackProvider(settings: OpenAiChatSettings): FeedbackProvider {
  return {
    name: 'openai-compatible-feedback',
    async suggest(request, signal) {
      const result = await chatCompletion(
        settings,
        {
          temperature: 0.2,
          json: true,
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
        },
        signal,
      );
      return result.ok ? itemsOf(result.content) : null;
    },
  };
}

/** The feedback items in a reply, or null when there are none worth showing. */
function itemsOf(content: string): FeedbackItem[] | null {
  let parsed: any;
  try {
    // Some models wrap JSON in a code fence despite being asked not to.
    parsed = JSON.parse(content.replace(/^\s*```(?:json)?|```\s*$/g, ''));
  } catch {
    return null;
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
  return items.length ? items : null;
}
