import type { RefObject } from 'preact';
import { useLayoutEffect } from 'preact/hooks';
import type { ChatController } from '../chat/chat-controller.js';
import { SendIcon } from './icons.js';

interface Props {
  controller: ChatController;
  draft: string;
  canSend: boolean;
  inputRef: RefObject<HTMLTextAreaElement>;
}

/** Enter sends, Shift+Enter adds a line; the field grows with its text. */
export function Composer({ controller, draft, canSend, inputRef }: Props) {
  useLayoutEffect(() => {
    const el = inputRef.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight + 2}px`;
  }, [draft, inputRef]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void controller.send();
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void controller.send();
      }}
    >
      <label class="sr" for="parley-input">
        Message
      </label>
      <textarea
        id="parley-input"
        ref={inputRef}
        rows={1}
        placeholder="Type your message…"
        value={draft}
        onInput={(e) => controller.setDraft(e.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" class="send" aria-label="Send message" disabled={!canSend}>
        <SendIcon />
      </button>
    </form>
  );
}
