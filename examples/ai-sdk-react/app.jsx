// A chat page written for the Vercel AI SDK, talking to Parley unchanged:
// useChat + DefaultChatTransport pointed at POST /v1/ai-sdk/chat. The only
// Parley code is the session (an access token from the publishable key).
import { useChat } from '@ai-sdk/react';
import { createClient } from '@parley/sdk';
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

const { url, publishableKey } = window.PARLEY;
// Keeps and refreshes the visitor's session; any backend-issued token works too.
const parley = createClient({ baseUrl: url, publishableKey, storage: localStorage });

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

function Chat() {
  const [input, setInput] = useState('');
  const { messages, sendMessage, status, stop, error, addToolApprovalResponse } = useChat({
    transport,
    // Approvals go back to the server by themselves, as in any AI SDK app.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
  });
  const busy = status === 'submitted' || status === 'streaming';
  const approve = (id, approved) => addToolApprovalResponse({ id, approved });
  return (
    <main data-status={status}>
      <h1>AI SDK × Parley</h1>
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
          <button type="button" onClick={() => void stop()}>
            Stop
          </button>
        ) : (
          <button type="submit">Send</button>
        )}
      </form>
    </main>
  );
}

createRoot(document.getElementById('root')).render(<Chat />);
