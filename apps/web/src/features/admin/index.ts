// Route elements for `/admin/*` (administrators only).
import './i18n';
export { AdminShell } from './components/AdminShell';
export { ReportsQueue } from './components/ReportsQueue';
export { ReportDetailPage } from './components/ReportDetailPage';
export { PeopleLookup, PersonAdminPage } from './components/PeoplePages';
export { FiguresPage } from './components/FiguresPage';
export { AuditPage, WordsPage } from './components/AuditAndWords';
export { AnnouncePage } from './components/AnnouncePage';
