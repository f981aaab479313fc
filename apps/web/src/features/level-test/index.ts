// Every page of the level test; importing this registers the feature's strings (levelTest namespace).
import './i18n';
export { LevelTestIntroPage } from './components/LevelTestIntroPage';
export { LevelTestTakePage } from './components/LevelTestTakePage';
export { LevelTestWaitingPage } from './components/LevelTestWaitingPage';
export { LevelTestResultPage } from './components/LevelTestResultPage';
export { LevelTestHistoryPage } from './components/LevelTestHistoryPage';
