import i18n from '../../../i18n';
import ko from './ko.json';
import en from './en.json';

/** The progress pages' own namespace (`useTranslation('progress')`), added when the feature is first imported. */
export const PROGRESS_NS = 'progress';
i18n.addResourceBundle('ko', PROGRESS_NS, ko, true, true);
i18n.addResourceBundle('en', PROGRESS_NS, en, true, true);
