/** Where a command reads and writes. Tests pass captured streams; the binary passes process's. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Lets tests (and embedders) route HTTP elsewhere; defaults to global fetch. */
  fetch?: typeof fetch;
  /** Interrupts (Ctrl+C). `parley chat` uses it to stop a streaming answer. */
  onInterrupt?: (handler: () => void) => () => void;
}

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}
