// Route elements for the app router: `/sessions` (list and month) and `/schedule` (propose a session).
export { SessionsPage } from './components/SessionsPage';
export { SchedulePage } from './components/SchedulePage';
export { JoinSessionButton } from './components/JoinSessionButton';
export { formatWhen } from './time';
