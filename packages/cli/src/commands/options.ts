import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { TargetOptions } from '../config.js';

/** Flags defined once on the program and readable from every subcommand. */
export interface GlobalOptions extends TargetOptions {
  json?: boolean;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    }
    return n;
  };
}

/** For repeatable flags: `--origin a --origin b`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(`not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('expected a JSON object, like {"persona":"…"}');
  }
  return parsed as Record<string, unknown>;
}
