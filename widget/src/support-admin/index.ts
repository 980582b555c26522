// The entry an internal page loads: defines <support-admin> and its two panes (once, even if the
// bundle loads twice).
import { define } from '../shared/define.js';
import { SupportAdminChatList } from './chat-list.js';
import { SupportAdminConversation } from './conversation.js';
import { SupportAdmin } from './support-admin.component.js';

define('support-admin-chat-list', SupportAdminChatList);
define('support-admin-conversation', SupportAdminConversation);
define('support-admin', SupportAdmin);

export { SupportAdmin, SupportAdminChatList, SupportAdminConversation };
