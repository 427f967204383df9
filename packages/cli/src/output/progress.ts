import cliProgress from 'cli-progress';
import type { CliIo } from '../io.js';

/** Step-by-step progress: a bar plus log lines on a terminal, plain lines in a pipe. */
export interface Progress {
  /** The step about to run (shown beside the bar). */
  begin(name: string): void;
  /** A finished step: one line that stays. */
  done(line: string): void;
  stop(): void;
}

export function createProgress(io: CliIo, total: number, label: string, quiet = false): Progress {
  if (quiet) return { begin() {}, done() {}, stop() {} };
  if (!io.stderr.isTTY || total < 2) {
    return { begin() {}, done: (line) => io.stdout.write(line + '\n'), stop() {} };
  }
  const bars = new cliProgress.MultiBar(
    {
      stream: io.stderr as NodeJS.WritableStream,
      format: `${label} {bar} {value}/{total} {name}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(total, 0, { name: '' });
  return {
    begin: (name) => bar.update({ name }),
    done(line) {
      bars.log(line + '\n');
      bar.increment(1, { name: '' });
    },
    stop: () => bars.stop(),
  };
}
