import i18n from '../../../i18n';
import ko from './ko.json';
import en from './en.json';

/** The administrators' pages (`useTranslation('admin')`), added when the feature is first imported. */
export const ADMIN_NS = 'admin';
i18n.addResourceBundle('ko', ADMIN_NS, ko, true, true);
i18n.addResourceBundle('en', ADMIN_NS, en, true, true);
