/** A stand-in for a non-TTY output stream that keeps what was written, line by line with times. */
export class Sink {
  readonly lines: { text: string; at: number }[] = [];
  private pending = '';
  isTTY = false;

  write(s: string): boolean {
    this.pending += s;
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      this.lines.push({ text: this.pending.slice(0, nl), at: Date.now() });
      this.pending = this.pending.slice(nl + 1);
    }
    return true;
  }

  /** everything written, including a last line without its newline */
  get text(): string {
    const done = this.lines.map((l) => `${l.text}\n`).join('');
    return done + this.pending;
  }
}
