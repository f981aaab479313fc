import { chatCompletion, type OpenAiChatSettings } from '../http/openai-chat.js';

/** Translates a chat message; optional, configured by TRANSLATION_* variables. */
export interface Translator {
  readonly name: string;
  translate(text: string, target: string): Promise<string>;
}

export class TranslationFailure extends Error {}

/** Any OpenAI-compatible chat-completions endpoint, through chatCompletion (one retry, no retry after a timeout). */
export function openAiCompatibleTranslator(settings: OpenAiChatSettings): Translator {
  return {
    name: `openai-compatible:${settings.model}`,
    async translate(text, target) {
      const result = await chatCompletion(settings, {
        temperature: 0,
        messages: [
          {
            role: 'system',
            content: `Translate the user's chat message into the language with ISO 639-1 code "${target}". Reply with the translation only.`,
          },
          { role: 'user', content: text },
        ],
      });
      if (!result.ok) throw new TranslationFailure(`translation provider ${result.reason}`);
      return result.content.trim();
    },
  };
}
