// Route elements for the app router: `/chat` and `/chat/:roomId`.
export { ChatRoomsPage } from './components/ChatRoomsPage';
export { ConversationPage } from './components/ConversationPage';
