// The reply box logic the widget's panel and the inbox's conversation share: Enter sends, the
// textarea grows with its text, and typing frames are throttled. No Lit: the panel renders with
// lit-html alone, and its templates bind these handlers directly.

const TYPING_REPEAT = 3000;
const TYPING_IDLE = 4000;

/** Enter sends; Shift+Enter is a new line, and an Enter that ends an IME composition is neither. */
export function sendOnEnter(event: KeyboardEvent, send: () => void): void {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
}

export interface Composer {
  /** The textarea's `input` listener. */
  input(event: Event): void;
  /** "Stopped typing" now (sent, another chat, gone), if "typing" went out. */
  stopTyping(): void;
}

/**
 * On each input the textarea grows with its text up to `maxHeight` pixels (then it scrolls),
 * `changed()` renders again (the send button follows the text), and while there is text
 * `typing(true)` goes out at most every 3 s; `typing(false)` once, 4 s after the last input.
 */
export function composer(maxHeight: number, changed: () => void, typing: (on: boolean) => void): Composer {
  let typingSentAt = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const stopTyping = () => {
    clearTimeout(idle);
    if (!typingSentAt) return;
    typingSentAt = 0;
    typing(false);
  };
  return {
    input(event) {
      const textarea = event.target as HTMLTextAreaElement;
      textarea.style.height = 'auto';
      textarea.style.height = `${Math.min(textarea.scrollHeight, maxHeight)}px`;
      changed();
      const now = Date.now();
      if (textarea.value.trim() && now - typingSentAt > TYPING_REPEAT) {
        typingSentAt = now;
        typing(true);
      }
      clearTimeout(idle);
      idle = setTimeout(stopTyping, TYPING_IDLE);
    },
    stopTyping,
  };
}
