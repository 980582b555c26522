// Getting an agent's attention for a new customer message: a short WebAudio ping (no audio asset,
// lower and longer than the widget's chime so the two are told apart) and, when the agent allowed
// it with the button, a desktop notification. Nothing is asked for on load.
import { playTones } from '../shared/tone.js';

export function playPing(): void {
  playTones({ frequencies: [523.25, 783.99], step: 0.09, wave: 'triangle', peak: 0.15, length: 0.35 });
}

export type NotificationPermissionState = NotificationPermission | 'unsupported';

export function notificationPermission(): NotificationPermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks the browser (call from a click only). */
export async function requestNotifications(): Promise<NotificationPermissionState> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** Shows a desktop notification (one per chat: a newer one replaces it); `onClick` brings the chat up. */
export function notify(title: string, body: string, tag: string, onClick: () => void): void {
  if (notificationPermission() !== 'granted') return;
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      globalThis.focus?.();
      onClick();
      notification.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker: the sound still plays.
  }
}
