import type { ParleyEvent } from '@parley/sdk';

/** One tool call as the thread shows it: "Using weather…", a progress bar, then done. */
export interface ToolRow {
  id: string;
  name: string;
  /** Short JSON of the arguments (shown when approval is asked). */
  args: string;
  state: 'running' | 'approval' | 'answering' | 'ok' | 'error';
  /** 0..1, from `tool.progress`. */
  progress?: number;
  note?: string;
  /** Result or error, shortened, for the collapsible details. */
  summary?: string;
}

type ToolEvent = Extract<
  ParleyEvent,
  { type: 'tool.started' | 'tool.progress' | 'tool.completed' | 'tool.approval_requested' }
>;

export const isToolEvent = (e: ParleyEvent): e is ToolEvent =>
  e.type === 'tool.started' ||
  e.type === 'tool.progress' ||
  e.type === 'tool.completed' ||
  e.type === 'tool.approval_requested';

/** The rows after one tool event; unknown ids start a row so nothing is lost. */
export function applyToolEvent(rows: ToolRow[], e: ToolEvent): ToolRow[] {
  const found = rows.some((r) => r.id === e.toolCallId);
  const base: ToolRow[] = found
    ? rows
    : [
        ...rows,
        { id: e.toolCallId, name: 'name' in e ? e.name : 'tool', args: '', state: 'running' },
      ];
  return base.map((r) => (r.id === e.toolCallId ? patch(r, e) : r));
}

function patch(r: ToolRow, e: ToolEvent): ToolRow {
  switch (e.type) {
    case 'tool.started':
      return { ...r, name: e.name, args: short(e.args), state: 'running' };
    case 'tool.approval_requested':
      return { ...r, name: e.name, args: short(e.args), state: 'approval' };
    case 'tool.progress':
      return { ...r, progress: e.progress, note: e.note ?? r.note };
    case 'tool.completed':
      return {
        ...r,
        state: e.status,
        progress: undefined,
        summary: e.status === 'ok' ? short(e.result) : (e.error ?? 'failed'),
      };
  }
}

/** A result's `summary` when it has one, else its JSON, cut to a readable length. */
function short(value: unknown): string {
  const v = value as { summary?: unknown } | null;
  const text =
    typeof v?.summary === 'string'
      ? v.summary
      : typeof value === 'string'
        ? value
        : (JSON.stringify(value) ?? '');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** "weather" → "weather", "web_search" → "web search". */
export const toolLabel = (name: string): string => name.replace(/_/g, ' ');
