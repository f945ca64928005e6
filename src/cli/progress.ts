/**
 * Progress for work that may take over a second: nothing for fast runs, then a status line on
 * a TTY (stderr), rewritten in place and cleared at the end. Silent when stderr is not a TTY.
 */
export interface Progress {
  update(label: string): void;
  stop(): void;
}

export function startProgress(label: string, delayMs = 1000, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, stop() {} };
  let current = label;
  let shown = false;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  let ticker: NodeJS.Timeout | undefined;
  const draw = () => {
    shown = true;
    stream.write(`\r\x1b[2K${frames[i++ % frames.length]} ${current}…`);
  };
  const timer = setTimeout(() => {
    draw();
    ticker = setInterval(draw, 100);
    ticker.unref();
  }, delayMs);
  timer.unref();
  return {
    update(l) {
      current = l;
    },
    stop() {
      clearTimeout(timer);
      if (ticker) clearInterval(ticker);
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
