/**
 * A progress bar on stderr: one line redrawn with '\r' on a terminal (at most 10 times a second), or,
 * when stderr is a file or a pipe, a plain line at every tenth of the way, so logs stay readable.
 */

/** Where progress goes. */
export interface ProgressSink {
  write(text: string): void;
  /** Whether the sink is a terminal (redraw in place). */
  readonly tty: boolean;
}

/** Formats seconds as "12.3 s" or "4 min 05 s". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
}

/** One task's progress from 0 to `total`. */
export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = -Infinity;
  private lastTenth = -1;
  private done = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
  ) {}

  /** Reports `current` of total, with an optional note (e.g. the loss). */
  update(current: number, note = ''): void {
    if (this.done) return;
    const now = performance.now();
    const fraction = this.total > 0 ? Math.min(1, current / this.total) : 1;
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? current / elapsed : 0;
    const eta = rate > 0 ? (this.total - current) / rate : Number.NaN;
    const text = `${this.label} ${current}/${this.total} ${this.unit}  ${rate.toFixed(1)} ${this.unit}/s  ETA ${formatSeconds(eta)}${note ? `  ${note}` : ''}`;
    if (this.sink.tty) {
      if (now - this.lastDraw < 100 && current < this.total) return;
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round(fraction * width);
      this.sink.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
    } else {
      const tenth = Math.floor(fraction * 10);
      if (tenth === this.lastTenth) return;
      this.lastTenth = tenth;
      this.sink.write(`${Math.round(fraction * 100)}% ${text}\n`);
    }
  }

  /** Ends the bar with a summary line. */
  finish(summary: string): void {
    if (this.done) return;
    this.done = true;
    this.sink.write(`${this.sink.tty ? '\r\x1b[K' : ''}${this.label}: ${summary}\n`);
  }
}
