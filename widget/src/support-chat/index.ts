// The single entry a site loads: defines <support-chat> (once, even if the bundle loads twice).
import { define } from '../shared/define.js';
import { SupportChat } from './support-chat.component.js';

define('support-chat', SupportChat);

export { SupportChat };
