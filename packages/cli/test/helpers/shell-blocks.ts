import { readFileSync } from 'node:fs';

export interface ShellBlock {
  /** `README.md:12`: the file and the line of the opening fence. */
  where: string;
  /** One entry per command: continuation lines joined, comments dropped. */
  commands: string[];
}

const FENCE = /^```(sh|bash|shell)\s*$/;

/** The fenced sh/bash/shell blocks of a Markdown file, as the commands a reader would type. */
export function shellBlocks(file: string, label: string): ShellBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    blocks.push({ where: `${label}:${start + 1}`, commands: commandsOf(body) });
  }
  return blocks;
}

function commandsOf(lines: string[]): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const line of lines) {
    const joined = pending + line;
    if (joined.endsWith('\\')) {
      pending = `${joined.slice(0, -1).trimEnd()} `;
      continue;
    }
    pending = '';
    const command = withoutComment(joined).trim();
    if (command) commands.push(command);
  }
  return commands;
}

/** Drops a `# comment` that starts a line or follows whitespace outside quotes. */
function withoutComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}
