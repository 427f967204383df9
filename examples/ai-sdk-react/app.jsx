// A chat page written for the Vercel AI SDK, talking to Parley unchanged:
// useChat + DefaultChatTransport pointed at POST /v1/ai-sdk/chat. The only
// Parley code is the session (an access token from the publishable key).
import { useChat } from '@ai-sdk/react';
import { createClient } from '@parley/sdk';
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

const { url, publishableKey } = window.PARLEY;
// Keeps (across reloads) and refreshes the visitor's session; a backend-issued token works too.
const parley = createClient({
  baseUrl: url,
  publishableKey,
  storage: {
    get: (key) => localStorage.getItem(key),
    set: (key, value) => localStorage.setItem(key, value),
    remove: (key) => localStorage.removeItem(key),
  },
});

const transport = new DefaultChatTransport({
  api: `${url}/v1/ai-sdk/chat`,
  headers: async () => ({ authorization: `Bearer ${(await parley.session.get()).accessToken}` }),
});

function Part({ part, onApprove }) {
  if (part.type === 'text') return <p>{part.text}</p>;
  if (part.type !== 'dynamic-tool') return null;
  return (
    <div className="tool" data-state={part.state}>
      <code>
        {part.toolName}({JSON.stringify(part.input)})
      </code>{' '}
      {part.state === 'approval-requested' ? (
        <>
          <button onClick={() => onApprove(part.approval.id, true)}>Approve</button>
          <button onClick={() => onApprove(part.approval.id, false)}>Deny</button>
        </>
      ) : part.state === 'output-available' ? (
        <span>→ {JSON.stringify(part.output)}</span>
      ) : part.state === 'output-error' ? (
        <span>✗ {part.errorText}</span>
      ) : (
        <span>…</span>
      )}
    </div>
  );
}

function Chat({ id, history }) {
  const [input, setInput] = useState('');
  const { messages, sendMessage, status, stop, error, addToolApprovalResponse } = useChat({
    id,
    messages: history,
    // After a reload: the answer still being written continues where Parley has it.
    resume: history.length > 0,
    transport,
    // Approvals go back to the server by themselves, as in any AI SDK app.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
  });
  const busy = status === 'submitted' || status === 'streaming';
  const approve = (id, approved) => addToolApprovalResponse({ id, approved });
  return (
    <main data-status={status}>
      <h1>AI SDK × Parley</h1>
      <button type="button" onClick={newChat}>
        New chat
      </button>
      <ul aria-label="Messages">
        {messages.map((m) => (
          <li key={m.id} className={`msg ${m.role}`}>
            {m.parts.map((part, i) => (
              <Part key={i} part={part} onApprove={approve} />
            ))}
          </li>
        ))}
      </ul>
      {error && <p role="alert">{error.message}</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!input.trim()) return;
          void sendMessage({ text: input });
          setInput('');
        }}
      >
        <input
          aria-label="Message"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          disabled={busy}
        />
        {busy ? (
          <button
            type="button"
            onClick={() => {
              // stop() closes the stream, which Parley cannot tell from a reload (it would keep
              // the answer going for a reconnect); cancel says "stop now".
              void parley.messages.cancel(id);
              void stop();
            }}
          >
            Stop
          </button>
        ) : (
          <button type="submit">Send</button>
        )}
      </form>
    </main>
  );
}

const CHAT_KEY = 'parley.chat';

function newChat() {
  localStorage.removeItem(CHAT_KEY);
  location.reload();
}

/**
 * The chat id is a Parley conversation's id, kept across reloads; its
 * stored messages are the chat's history (useChat keeps none of its own).
 */
async function openChat() {
  const saved = localStorage.getItem(CHAT_KEY);
  if (saved) {
    try {
      const page = await parley.messages.list(saved, { limit: 100 });
      const history = page.data
        .filter((m) => m.role === 'user' || m.role === 'assistant')
        .map((m) => ({ id: m.id, role: m.role, parts: [{ type: 'text', text: m.content }] }));
      return { id: saved, history };
    } catch {
      localStorage.removeItem(CHAT_KEY); // gone, or another visitor's: start over
    }
  }
  const { id } = await parley.conversations.create();
  localStorage.setItem(CHAT_KEY, id);
  return { id, history: [] };
}

const { id, history } = await openChat();
createRoot(document.getElementById('root')).render(<Chat id={id} history={history} />);
