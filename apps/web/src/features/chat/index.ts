// Route elements for the app router: `/chat`, `/chat/new-group`, `/chat/files`, `/chat/:roomId` and `/chat/:roomId/members`.
export { ChatRoomsPage } from './components/ChatRoomsPage';
export { ConversationPage } from './components/ConversationPage';
export { NewGroupPage } from './components/NewGroupPage';
export { RoomMembersPage } from './components/RoomMembersPage';
export { SharedFilesPage } from './components/SharedFilesPage';
