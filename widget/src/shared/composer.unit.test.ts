// The reply box logic both composers share: Enter, the textarea's height and the typing frames' timing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { composer, sendOnEnter } from './composer.js';

/** An input event from a textarea holding `value`, `scrollHeight` pixels of text high. */
const typed = (value: string, scrollHeight = 40) =>
  ({ target: { value, scrollHeight, style: { height: '' } } }) as unknown as Event & { target: HTMLTextAreaElement };

describe('composer', () => {
  let sent: boolean[];
  let changes: number;
  let box: ReturnType<typeof composer>;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    changes = 0;
    box = composer(140, () => changes++, (typing) => sent.push(typing));
  });
  afterEach(() => vi.useRealTimers());

  it('grows the textarea with its text up to the cap, and renders again on each input', () => {
    const short = typed('hi', 90);
    box.input(short);
    expect(short.target.style.height).to.equal('90px');
    const long = typed('a long text', 300);
    box.input(long);
    expect(long.target.style.height).to.equal('140px');
    expect(changes).to.equal(2);
  });

  it('sends "typing" at most every 3 s while there is text, and "stopped" 4 s after the last input', () => {
    box.input(typed('h'));
    vi.advanceTimersByTime(1000);
    box.input(typed('he'));
    vi.advanceTimersByTime(2001);
    box.input(typed('hel'));
    expect(sent).to.deep.equal([true, true]);
    vi.advanceTimersByTime(3999);
    expect(sent).to.deep.equal([true, true]);
    vi.advanceTimersByTime(1);
    expect(sent).to.deep.equal([true, true, false]);
  });

  it('does not send "typing" for blank text, nor "stopped" when "typing" never went out', () => {
    box.input(typed('  '));
    vi.advanceTimersByTime(5000);
    box.stopTyping();
    expect(sent).to.deep.equal([]);
  });

  it('sends "stopped" once on stopTyping(), and "typing" again at the next input', () => {
    box.input(typed('hi'));
    box.stopTyping();
    vi.advanceTimersByTime(5000);
    box.stopTyping();
    box.input(typed('hi!'));
    expect(sent).to.deep.equal([true, false, true]);
  });
});

describe('sendOnEnter', () => {
  const key = (init: Partial<KeyboardEvent>) => {
    const event = { key: 'Enter', shiftKey: false, isComposing: false, preventDefault: vi.fn(), ...init };
    return event as unknown as KeyboardEvent & { preventDefault: ReturnType<typeof vi.fn> };
  };

  it('sends on Enter instead of adding a line', () => {
    const send = vi.fn();
    const event = key({});
    sendOnEnter(event, send);
    expect(send).toHaveBeenCalledOnce();
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });

  it('leaves Shift+Enter, the Enter that ends an IME composition and other keys alone', () => {
    const send = vi.fn();
    for (const event of [key({ shiftKey: true }), key({ isComposing: true }), key({ key: 'a' })]) {
      sendOnEnter(event, send);
      expect(event.preventDefault).not.toHaveBeenCalled();
    }
    expect(send).not.toHaveBeenCalled();
  });
});
