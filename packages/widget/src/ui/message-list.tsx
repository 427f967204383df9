import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ChatController } from '../chat/chat-controller.js';
import type { ChatItem, ChatState } from '../chat/chat-state.js';
import { RecalledChip, hasRecalled } from './recalled-chip.js';
import { ToolActivity } from './tool-activity.js';

interface Props {
  state: ChatState;
  greeting: string;
  controller: ChatController;
}

/**
 * The thread. `role="log"` makes it a polite live region; a message that is
 * still streaming is `aria-busy`, so screen readers read the finished answer
 * once instead of every word.
 */
export function MessageList({ state, greeting, controller }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Follow the answer as it grows, unless the reader scrolled up.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [state.items, state.typing, state.activity]);

  const onScroll = () => {
    const el = ref.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };

  const empty = state.items.length === 0;
  return (
    <div
      ref={ref}
      class="thread"
      role="log"
      aria-live="polite"
      aria-label="Conversation"
      tabIndex={0}
      onScroll={onScroll}
    >
      {state.loadingHistory && <p class="note">Loading your conversation…</p>}
      {empty && !state.loadingHistory && <p class="note">{greeting}</p>}
      {state.items.map((item) => (
        <Item key={item.key} item={item} controller={controller} />
      ))}
      {(state.typing || state.activity) && (
        <div class="typing" role="status">
          {state.activity ?? (
            <>
              <span class="sr">Assistant is typing</span>
              <span class="dot" />
              <span class="dot" />
              <span class="dot" />
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** A message; an answer also shows what was remembered and the tools it used, above it. */
function Item({ item, controller }: { item: ChatItem; controller: ChatController }) {
  const bubble = (item.text !== '' || item.status !== 'streaming') && (
    <div
      class={`msg ${item.role}${item.status === 'sending' ? ' sending' : ''}`}
      aria-busy={item.status === 'streaming'}
      data-status={item.status}
    >
      <span class="sr">{item.role === 'user' ? 'You: ' : 'Assistant: '}</span>
      {item.text}
      {item.status === 'incomplete' && <span class="cut">Answer interrupted</span>}
    </div>
  );
  const recalled = hasRecalled(item.recalled) && item.recalled;
  if (!recalled && !item.tools?.length) return bubble || null;
  return (
    <>
      {recalled && <RecalledChip recalled={recalled} />}
      {!!item.tools?.length && <ToolActivity rows={item.tools} controller={controller} />}
      {bubble}
    </>
  );
}
