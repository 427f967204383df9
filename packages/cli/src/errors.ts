/**
 * The CLI's failures. Each carries its exit code; the one top-level catch in
 * run.ts prints `parley: <message>` and returns that code.
 */
export class CliError extends Error {
  readonly exitCode: number = 1;
}

/** Bad flags or arguments. Exit 1. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
}

/** The server answered with an error envelope. Exit 1. */
export class ApiRequestError extends CliError {
  override readonly name = 'ApiRequestError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/** Missing or invalid configuration (token, URL, database). Exit 2. */
export class ConfigError extends CliError {
  override readonly name = 'ConfigError';
  override readonly exitCode = 2;
}

/** The server or database could not be reached. Exit 3. */
export class ConnectionError extends CliError {
  override readonly name = 'ConnectionError';
  override readonly exitCode = 3;
}
