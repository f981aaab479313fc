// Route elements for the app router: `/matching`, `/matching/requests`, `/matching/people/:userId`, `/mates`; and the settings section.
export { RecommendationsPage } from './components/RecommendationsPage';
export { RequestsPage } from './components/RequestsPage';
export { PersonPage } from './components/PersonPage';
export { MatesPage } from './components/MatesPage';
export { BlockedList } from './components/BlockedList';
