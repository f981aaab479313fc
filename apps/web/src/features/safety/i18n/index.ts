import i18n from '../../../i18n';
import ko from './ko.json';
import en from './en.json';

/** Reports, privacy and account standing (`useTranslation('safety')`), added when the feature is first imported. */
export const SAFETY_NS = 'safety';
i18n.addResourceBundle('ko', SAFETY_NS, ko, true, true);
i18n.addResourceBundle('en', SAFETY_NS, en, true, true);
