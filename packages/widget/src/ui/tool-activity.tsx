import type { ChatController } from '../chat/chat-controller.js';
import type { ToolRow } from '../chat/tool-rows.js';
import { toolLabel } from '../chat/tool-rows.js';

interface Props {
  rows: ToolRow[];
  controller: ChatController;
}

/**
 * What the agent did with tools for one answer: a compact row per call with
 * progress while it runs, a done/failed state with the result behind a
 * <details>, and Approve / Deny when a tool waits for the user's consent.
 */
export function ToolActivity({ rows, controller }: Props) {
  return (
    <ul class="tools" aria-label="Tool activity">
      {rows.map((r) => (
        <li key={r.id} class={`tool ${r.state}`} data-state={r.state}>
          <ToolLine row={r} controller={controller} />
        </li>
      ))}
    </ul>
  );
}

function ToolLine({ row: r, controller }: { row: ToolRow; controller: ChatController }) {
  const label = toolLabel(r.name);
  if (r.state === 'approval' || r.state === 'answering') {
    const busy = r.state === 'answering';
    return (
      <div role="group" aria-label={`Allow ${label}?`}>
        <p>
          The assistant wants to use <b>{label}</b>
        </p>
        {r.args && <code>{r.args}</code>}
        <div class="ask">
          <button
            type="button"
            disabled={busy}
            onClick={() => void controller.answerApproval(r.id, true)}
          >
            Approve
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => void controller.answerApproval(r.id, false)}
          >
            Deny
          </button>
        </div>
      </div>
    );
  }
  if (r.state === 'running') {
    const pct = r.progress === undefined ? null : Math.round(r.progress * 100);
    return (
      <>
        <span>Using {label}…</span>
        {pct !== null && (
          <>
            <progress max={100} value={pct} aria-label={`${label} progress`} />
            <span class="pct">{pct}%</span>
          </>
        )}
        {r.note && <span class="tnote">{r.note}</span>}
      </>
    );
  }
  return (
    <details>
      <summary>{r.state === 'ok' ? `Used ${label}` : `${label} failed`}</summary>
      <p class="tnote">{r.summary}</p>
    </details>
  );
}
