import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ChatController } from '../chat/chat-controller.js';
import { ChatIcon, CloseIcon } from './icons.js';
import type { PanelText } from './panel.js';
import { Panel } from './panel.js';
import { useChatState } from './use-chat-state.js';

interface Props {
  controller: ChatController;
  text: PanelText;
}

/** Launcher button plus, when open, the chat panel. */
export function App({ controller, text }: Props) {
  const state = useChatState(controller);
  const launcher = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const wasOpen = useRef(state.open);

  // Opening moves focus into the panel; closing from inside returns it to
  // the launcher. A panel restored open after a reload leaves focus alone.
  // A layout effect: focus lands in the same task as the panel appears.
  useLayoutEffect(() => {
    if (state.open === wasOpen.current) return;
    wasOpen.current = state.open;
    if (state.open) {
      input.current?.focus();
      return;
    }
    // Focus was in the widget (the page sees only its host) or in the removed
    // panel (it fell back to <body>): bring it back. The page's own focus stays.
    const root = launcher.current?.getRootNode() as ShadowRoot | undefined;
    const active = document.activeElement;
    if (root?.activeElement || !active || active === document.body || active === root?.host) {
      launcher.current?.focus();
    }
  }, [state.open]);

  return (
    <div class={state.open ? 'root open' : 'root'}>
      {state.open && <Panel controller={controller} state={state} text={text} inputRef={input} />}
      <button
        ref={launcher}
        type="button"
        class="launcher"
        aria-label={state.open ? 'Hide chat' : 'Open chat'}
        aria-expanded={state.open}
        aria-controls="parley-panel"
        onClick={() => controller.setOpen(!state.open)}
      >
        {state.open ? <CloseIcon /> : <ChatIcon />}
      </button>
    </div>
  );
}
