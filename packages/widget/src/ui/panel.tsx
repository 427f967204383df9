import { chatPhase } from '../chat/chat-phase.js';
import type { RefObject } from 'preact';
import { useRef } from 'preact/hooks';
import type { ChatController } from '../chat/chat-controller.js';
import type { ChatState } from '../chat/chat-state.js';
import { Composer } from './composer.js';
import { trapTab } from './focus-trap.js';
import { CloseIcon, MemoryIcon, PlusIcon } from './icons.js';
import { MemoryPanel } from './memory-panel.js';
import { MessageList } from './message-list.js';
import { RetryButton } from './retry-button.js';

export interface PanelText {
  title: string;
  subtitle: string;
  greeting: string;
}

interface Props {
  controller: ChatController;
  state: ChatState;
  text: PanelText;
  inputRef: RefObject<HTMLTextAreaElement>;
}

/** The open chat: a dialog that keeps focus inside until Esc or Close. */
export function Panel({ controller, state, text, inputRef }: Props) {
  const ref = useRef<HTMLElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      controller.setOpen(false);
    } else if (ref.current) trapTab(e, ref.current);
  };
  return (
    <section
      ref={ref}
      id="parley-panel"
      class="panel"
      role="dialog"
      aria-modal="true"
      aria-labelledby="parley-title"
      data-state={chatPhase(state)}
      onKeyDown={onKeyDown}
    >
      <header class="head">
        <div>
          <h2 id="parley-title">{text.title}</h2>
          <p>{text.subtitle}</p>
        </div>
        <button
          type="button"
          class="icon"
          aria-label="New conversation"
          title="New conversation"
          onClick={() => controller.newConversation()}
        >
          <PlusIcon />
        </button>
        <button
          type="button"
          class="icon"
          aria-label="What I remember about you"
          title="What I remember about you"
          aria-pressed={!!state.memoryView}
          onClick={() =>
            state.memoryView ? controller.memory.close() : void controller.memory.open()
          }
        >
          <MemoryIcon />
        </button>
        <button
          type="button"
          class="icon"
          aria-label="Close chat"
          onClick={() => controller.setOpen(false)}
        >
          <CloseIcon />
        </button>
      </header>
      {state.offline && (
        <p class="offline" role="status">
          Offline mode — no AI model configured
        </p>
      )}
      {state.memoryView ? (
        <MemoryPanel view={state.memoryView} controller={controller} />
      ) : (
        <MessageList state={state} greeting={text.greeting} controller={controller} />
      )}
      {state.error && (
        <div class="error" role="alert">
          <span>{state.error.message}</span>
          <RetryButton error={state.error} />
        </div>
      )}
      <Composer
        controller={controller}
        draft={state.draft}
        canSend={controller.canSend}
        inputRef={inputRef}
      />
      <p class="brand">Powered by Parley</p>
    </section>
  );
}
