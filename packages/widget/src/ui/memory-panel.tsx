import type { ChatController } from '../chat/chat-controller.js';
import type { MemoryView } from '../chat/chat-state.js';

interface Props {
  view: MemoryView;
  controller: ChatController;
}

/** "What I remember about you": each memory with Delete, and Forget everything (confirmed). */
export function MemoryPanel({ view, controller }: Props) {
  const m = controller.memory;
  const list = view.memories;
  return (
    <div class="mem" role="region" aria-labelledby="parley-mem-title">
      <h3 id="parley-mem-title">What I remember about you</h3>
      {view.error && (
        <p class="merr" role="alert">
          {view.error}
        </p>
      )}
      {list === null && <p class="note">Loading…</p>}
      {list?.length === 0 && <p class="note">Nothing yet.</p>}
      {list && list.length > 0 && (
        <ul aria-label="Memories">
          {list.map((x) => (
            <li key={x.id}>
              <span>{x.text}</span>
              <button
                type="button"
                class="del"
                aria-label={`Forget: ${x.text}`}
                onClick={() => void m.remove(x.id)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="ask">
        {view.confirming ? (
          <>
            <span role="status">Forget everything I remember about you?</span>
            <button type="button" onClick={() => void m.forgetAll(true)}>
              Yes, forget everything
            </button>
            <button type="button" onClick={() => m.cancelForget()}>
              Cancel
            </button>
          </>
        ) : (
          <>
            {!!list?.length && (
              <button type="button" onClick={() => void m.forgetAll(false)}>
                Forget everything
              </button>
            )}
            <button type="button" onClick={() => m.close()}>
              Back to chat
            </button>
          </>
        )}
      </div>
    </div>
  );
}
