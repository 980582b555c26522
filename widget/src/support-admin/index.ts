// The entry an internal page loads: defines <support-admin>, its two panes and the data-rights actions (once, even if the
// bundle loads twice).
import { define } from '../shared/define.js';
import { SupportAdminChatList } from './chat-list.js';
import { SupportAdminConversation } from './conversation.js';
import { SupportAdmin } from './support-admin.component.js';
import { SupportAdminUserActions } from './user-actions.js';

define('support-admin-chat-list', SupportAdminChatList);
define('support-admin-conversation', SupportAdminConversation);
define('support-admin-user-actions', SupportAdminUserActions);
define('support-admin', SupportAdmin);

export { SupportAdmin, SupportAdminChatList, SupportAdminConversation, SupportAdminUserActions };
