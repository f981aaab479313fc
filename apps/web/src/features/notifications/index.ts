// Route element for `/notifications`; the bell and toast are in the shell (components/Bell.tsx).
import './i18n';
export { NotificationsPage } from './components/NotificationsPage';
