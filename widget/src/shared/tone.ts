// Short notification sounds made with WebAudio: no audio asset to download, silence when audio is
// blocked (autoplay policy, no device): the visual cues still tell.
let context: AudioContext | undefined;

export interface ToneSpec {
  /** Notes played one after the other (Hz). */
  frequencies: number[];
  /** Seconds between note starts. */
  step: number;
  wave: OscillatorType;
  /** Peak gain (0..1). */
  peak: number;
  /** Seconds each note rings. */
  length: number;
}

export function playTones(spec: ToneSpec): void {
  try {
    const Ctor = globalThis.AudioContext ?? (globalThis as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return;
    context ??= new Ctor();
    if (context.state === 'suspended') void context.resume();
    const audio = context;
    const start = audio.currentTime + 0.01;
    spec.frequencies.forEach((frequency, i) => {
      const at = start + i * spec.step;
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = spec.wave;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(spec.peak, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + spec.length);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + spec.length + 0.05);
    });
  } catch {
    // No sound then; the badge, markers and live regions carry the news.
  }
}
