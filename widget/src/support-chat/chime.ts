// The widget's two-note chime for a new reply (its own lazily loaded chunk).
import { playTones } from '../shared/tone.js';

export function playChime(): void {
  playTones({ frequencies: [660, 880], step: 0.12, wave: 'sine', peak: 0.12, length: 0.25 });
}
