// Getting an agent's attention for a new customer message: a short WebAudio ping (no audio asset,
// lower and longer than the widget's chime so the two are told apart) and, when the agent allowed
// it with the button, a desktop notification. Nothing is asked for on load.
let context: AudioContext | undefined;

export function playPing(): void {
  try {
    const Ctor = globalThis.AudioContext ?? (globalThis as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return;
    context ??= new Ctor();
    if (context.state === 'suspended') void context.resume();
    const start = context.currentTime + 0.01;
    [523.25, 783.99].forEach((frequency, i) => {
      const at = start + i * 0.09;
      const oscillator = context!.createOscillator();
      const gain = context!.createGain();
      oscillator.type = 'triangle';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.35);
      oscillator.connect(gain).connect(context!.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.4);
    });
  } catch {
    // Autoplay policy or no audio device: the unread marker and the title count still tell.
  }
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
