/**
 * All widget CSS. It lives in the shadow root, so host-page rules cannot
 * reach it and it cannot reach the page. `:host` is reset with !important,
 * the one way shadow styles beat page rules such as `* { all: unset }`.
 */
export const css = `
:host{all:initial!important;display:block!important;position:static!important}
.root{--accent:#4f46e5;--accent-dark:#4338ca;--text:#111827;--muted:#4b5563;--line:#e5e7eb;
font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--text);
-webkit-font-smoothing:antialiased}
*,*::before,*::after{box-sizing:border-box}
button,textarea{font:inherit;color:inherit}
button{cursor:pointer}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.head :focus-visible{outline-color:#fff;outline-offset:-3px}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border:0;border-radius:50%;
background:var(--accent);color:#fff;display:flex;align-items:center;justify-content:center;
box-shadow:0 8px 24px rgba(17,24,39,.28);transition:background .15s ease}
.launcher:hover{background:var(--accent-dark)}
.panel{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:380px;max-width:calc(100vw - 40px);
height:min(620px,calc(100vh - 120px));display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;
box-shadow:0 16px 48px rgba(17,24,39,.22),0 0 0 1px rgba(17,24,39,.06);animation:rise .18s ease-out}
@keyframes rise{from{opacity:0;transform:translateY(8px)}}
@media (max-width:480px){.panel{inset:0;width:auto;max-width:none;height:auto;border-radius:0}.open .launcher{display:none}}
.head{display:flex;align-items:center;gap:12px;padding:14px 12px 14px 18px;color:#fff;
background:linear-gradient(135deg,var(--accent),#6d28d9)}
.head h2{margin:0;font-size:16px;font-weight:650;line-height:1.3}
.head p{margin:0;font-size:12px;opacity:.9}
.head div{flex:1;min-width:0}
.icon{width:36px;height:36px;border:0;border-radius:10px;background:transparent;color:inherit;display:flex;align-items:center;justify-content:center}
.icon:hover{background:rgba(255,255,255,.16)}
.offline{margin:0;padding:7px 18px;background:#fef3c7;color:#78350f;border-bottom:1px solid #fde68a;font-size:12.5px;font-weight:600}
.thread{flex:1;overflow-y:auto;padding:16px;background:#f9fafb;display:flex;flex-direction:column;gap:10px}
.note{margin:auto 0 0;color:var(--muted);text-align:center;font-size:13px}
.msg{max-width:85%;padding:9px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere}
.user{align-self:flex-end;background:var(--accent);color:#fff;border-bottom-right-radius:4px}
.assistant{align-self:flex-start;background:#fff;border:1px solid var(--line);border-bottom-left-radius:4px}
.sending{opacity:.7}
.cut{display:block;margin-top:4px;font-size:12px;font-style:italic;color:var(--muted)}
.typing{align-self:flex-start;display:flex;align-items:center;gap:4px;padding:12px 14px;background:#fff;border:1px solid var(--line);border-radius:16px;border-bottom-left-radius:4px;color:var(--muted);font-size:12.5px}
.dot{width:7px;height:7px;border-radius:50%;background:#9ca3af;animation:blink 1.2s infinite ease-in-out}
.dot:nth-child(2){animation-delay:.15s}.dot:nth-child(3){animation-delay:.3s}
@keyframes blink{0%,80%,100%{opacity:.3}40%{opacity:1}}
@media (prefers-reduced-motion:reduce){.panel,.dot{animation:none}.launcher{transition:none}}
.error{display:flex;align-items:center;gap:10px;margin:0;padding:9px 12px 9px 18px;background:#fef2f2;color:#991b1b;border-top:1px solid #fecaca;font-size:13px}
.error span{flex:1}
.retry{border:1px solid #f87171;background:#fff;color:#991b1b;border-radius:8px;padding:4px 12px;font-weight:600}
.retry:hover{background:#fee2e2}
.composer{display:flex;align-items:flex-end;gap:8px;padding:10px 12px;border-top:1px solid var(--line);background:#fff}
.composer textarea{flex:1;min-height:40px;max-height:140px;resize:none;margin:0;padding:9px 12px;border:1px solid #d1d5db;border-radius:12px;background:#fff;line-height:1.4;outline:none}
.composer textarea:focus{border-color:var(--accent);box-shadow:0 0 0 3px rgba(79,70,229,.2)}
.send{flex:none;width:40px;height:40px;border:0;border-radius:12px;background:var(--accent);color:#fff;display:flex;align-items:center;justify-content:center}
.send:hover{background:var(--accent-dark)}
.send:disabled{background:#c7c9d1;cursor:default}
.brand{margin:0;padding:0 0 8px;background:#fff;color:var(--muted);font-size:11px;text-align:center}
.chip{align-self:flex-start;max-width:85%;margin:0;padding:3px 10px;border-radius:999px;background:#eef2ff;color:#3730a3;font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.past{align-self:flex-start;max-width:85%;margin:0;padding:5px 10px;list-style:none;border-radius:10px;background:#eef2ff;color:#3730a3;font-size:12px}
.past::before{content:"From earlier conversations";display:block;font-weight:600}
.past li{overflow-wrap:anywhere}
.tools{align-self:flex-start;max-width:85%;margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:6px}
.tool{display:flex;flex-wrap:wrap;align-items:center;gap:6px;padding:6px 10px;border:1px solid var(--line);border-radius:10px;background:#fff;color:var(--muted);font-size:12.5px}
.tool.error summary{color:#991b1b}
.tool progress{width:80px;height:6px;accent-color:var(--accent)}
.tool summary{cursor:pointer}
.tool code{display:block;margin:4px 0;font-size:12px;overflow-wrap:anywhere;color:var(--text)}
.tool p{margin:0}
.tnote{font-size:12px;overflow-wrap:anywhere}
.ask{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin-top:6px}
.ask button,.del{border:1px solid var(--accent);background:#fff;color:var(--accent);border-radius:8px;padding:3px 10px;font-weight:600}
.ask button:first-of-type{background:var(--accent);color:#fff}
.ask button:disabled{opacity:.6;cursor:default}
.mem{flex:1;overflow-y:auto;padding:16px;background:#f9fafb}
.mem h3{margin:0 0 10px;font-size:14px}
.mem ul{margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:6px}
.mem li{display:flex;align-items:center;gap:8px;padding:8px 10px;background:#fff;border:1px solid var(--line);border-radius:10px}
.mem li span{flex:1}
.merr{color:#991b1b}
.retry:disabled{opacity:.6;cursor:default}
`;
