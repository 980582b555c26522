// Per-sender message rate limit shared by REST and WebSocket sends: at most `max` messages in any
// `windowMs`. In-memory per instance; the limit is about flood control, not billing.
import { AppError } from '../errors.js';

export class SendRateLimiter {
  private readonly hits = new Map<string, number[]>();
  private sweeps = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a send for `key`, or throws `rate_limited` with `retry_after` in seconds. */
  take(key: string): void {
    const now = this.now();
    const since = now - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (recent.length >= this.max) {
      const retryAfter = Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
      this.hits.set(key, recent);
      throw new AppError('rate_limited', 'Too many messages; slow down', { retry_after: retryAfter });
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (++this.sweeps % 1000 === 0) this.sweep(since);
  }

  /**
   * Runs a send under the limit. A send that stored nothing new (the resend of a message already
   * stored, as clients do after every reconnect) gives its slot back: only new messages count.
   */
  async send<T extends { created: boolean }>(key: string, write: () => Promise<T>): Promise<T> {
    this.take(key);
    const result = await write();
    if (!result.created) this.hits.get(key)?.pop();
    return result;
  }

  private sweep(since: number): void {
    for (const [key, times] of this.hits) {
      if (times[times.length - 1]! <= since) this.hits.delete(key);
    }
  }
}
