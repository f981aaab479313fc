import i18n from '../../../i18n';
import ko from './ko.json';
import en from './en.json';

/** The chat pages' own namespace (`useTranslation('chat')`), added when the feature is first imported. */
export const CHAT_NS = 'chat';
i18n.addResourceBundle('ko', CHAT_NS, ko, true, true);
i18n.addResourceBundle('en', CHAT_NS, en, true, true);
