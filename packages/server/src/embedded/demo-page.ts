const escape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * A sample product page for the embedded default. Until the widget ships it
 * talks to the API directly with fetch + SSE, which also documents the flow.
 */
export function renderDemoPage(publishableKey: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Parley demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:720px;margin:2rem auto;padding:0 1rem}
#log{border:1px solid #ccc;border-radius:8px;padding:1rem;min-height:200px;white-space:pre-wrap}
.user{color:#135}.assistant{color:#222}.offline{background:#fff3cd;padding:.1rem .4rem;border-radius:4px;font-size:.8rem}</style>
</head><body>
<h1>Acme Store <small>(Parley demo)</small></h1>
<p>This page embeds Parley with the demo tenant's publishable key.</p>
<div id="log" role="log" aria-live="polite"></div>
<form id="f"><input id="q" aria-label="Message" autocomplete="off" style="width:80%"><button>Send</button></form>
<script>
const KEY = ${JSON.stringify(escape(publishableKey))};
let session, conversation;
const log = document.getElementById('log');
async function api(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + (path === '/v1/sessions' ? KEY : session.accessToken) }, body: JSON.stringify(body || {}) });
  if (!r.ok) throw new Error((await r.json()).error.message);
  return r.json();
}
document.getElementById('f').onsubmit = async (e) => {
  e.preventDefault();
  const q = document.getElementById('q'); const text = q.value.trim(); if (!text) return; q.value = '';
  session ??= await api('/v1/sessions'); conversation ??= await api('/v1/conversations');
  log.append(Object.assign(document.createElement('div'), { className: 'user', textContent: 'You: ' + text }));
  const out = Object.assign(document.createElement('div'), { className: 'assistant', textContent: 'Agent: ' });
  log.append(out);
  const r = await fetch('/v1/conversations/' + conversation.id + '/messages', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer ' + session.accessToken }, body: JSON.stringify({ content: text }) });
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader(); let buf = '';
  for (;;) { const { value, done } = await reader.read(); if (done) break; buf += value;
    let i; while ((i = buf.indexOf('\\n\\n')) >= 0) { const block = buf.slice(0, i); buf = buf.slice(i + 2);
      const data = block.split('\\n').find((l) => l.startsWith('data: ')); if (!data) continue;
      const ev = JSON.parse(data.slice(6));
      if (ev.type === 'response.started' && ev.offline) out.prepend(Object.assign(document.createElement('span'), { className: 'offline', textContent: 'offline mode, no model' }), ' ');
      if (ev.type === 'text.delta') out.append(ev.delta);
      if (ev.type === 'response.failed') out.append(' [' + ev.error.message + ']'); } }
};
</script></body></html>`;
}
