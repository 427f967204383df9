import type { CliIo } from '../io.js';

/** `--json` prints the server's resources verbatim; otherwise a human view. */
export interface Printer {
  json: boolean;
  /** Prints `value` as JSON in --json mode, else the text `human()` returns. */
  result(value: unknown, human: () => string): void;
  /** Progress and hints for humans: stderr, so stdout stays clean for pipes. */
  note(text: string): void;
}

export function createPrinter(io: CliIo, json: boolean): Printer {
  return {
    json,
    result(value, human) {
      io.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human());
    },
    note(text) {
      if (!json) io.stderr.write(text.endsWith('\n') ? text : text + '\n');
    },
  };
}
