import { useEffect, useState } from 'preact/hooks';
import type { ChatController } from '../chat/chat-controller.js';
import type { ChatState } from '../chat/chat-state.js';

/** Re-renders whenever the controller's state changes. */
export function useChatState(controller: ChatController): ChatState {
  const [state, setState] = useState(controller.state);
  useEffect(() => {
    setState(controller.state); // anything that changed before we subscribed
    return controller.subscribe(() => setState(controller.state));
  }, [controller]);
  return state;
}
