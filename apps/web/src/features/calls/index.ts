// Route elements for the app router: `/calls/:callId` and `/calls/:callId/rate`; the call buttons and the ringing banner for other pages.
export { CallPage } from './components/CallPage';
export { RatePage } from './components/RatePage';
export { CallButtons } from './components/CallButtons';
export { IncomingCall } from './components/IncomingCall';
