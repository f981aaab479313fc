import i18n from '../../../i18n';
import ko from './ko.json';
import en from './en.json';

/** The notifications namespace (`useTranslation('notifications')`); the bell is in the shell, so it loads with it. */
export const NOTIFICATIONS_NS = 'notifications';
i18n.addResourceBundle('ko', NOTIFICATIONS_NS, ko, true, true);
i18n.addResourceBundle('en', NOTIFICATIONS_NS, en, true, true);
