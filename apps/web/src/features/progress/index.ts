// Route elements for the app router: `/` (dashboard), `/statistics`, `/achievements`.
import './i18n';
export { DashboardPage } from './components/DashboardPage';
export { StatisticsPage } from './components/StatisticsPage';
export { AchievementsPage } from './components/AchievementsPage';
