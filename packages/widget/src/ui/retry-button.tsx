import { useEffect, useState } from 'preact/hooks';
import type { ChatError } from '../chat/chat-state.js';

/** Retry, disabled (with a countdown for screen readers too) until a rate limit has passed. */
export function RetryButton({ error }: { error: ChatError }) {
  const left = () => Math.max(0, Math.ceil(((error.retryAt ?? 0) - Date.now()) / 1000));
  const [wait, setWait] = useState(left);
  useEffect(() => {
    setWait(left());
    if (!error.retryAt) return;
    const timer = setInterval(() => {
      const s = left();
      setWait(s);
      if (s === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [error]);
  return (
    <button type="button" class="retry" disabled={wait > 0} onClick={error.retry}>
      {wait > 0 ? `Retry (${wait} s)` : 'Retry'}
    </button>
  );
}
