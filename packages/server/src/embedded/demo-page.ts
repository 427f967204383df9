import { createHash } from 'node:crypto';

const escape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const products = [
  ['Trail Runner 2', 'Lightweight running shoe', '$119', '#0ea5e9,#6366f1'],
  ['Summit Jacket', 'Waterproof, breathable shell', '$189', '#f97316,#db2777'],
  ['Daypack 22L', 'Carry-on friendly backpack', '$79', '#10b981,#0d9488'],
  ['Thermo Bottle', 'Keeps drinks cold for 24 h', '$29', '#a855f7,#6366f1'],
] as const;

const style = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#fff}
header{display:flex;align-items:center;gap:2rem;padding:1rem 2rem;border-bottom:1px solid #e5e7eb}
.logo{font-weight:800;font-size:1.3rem;letter-spacing:-.02em}.logo span{color:#4f46e5}
nav{display:flex;gap:1.5rem;color:#4b5563;font-size:.95rem}
.hero{padding:3.5rem 2rem;background:linear-gradient(135deg,#eef2ff,#fdf2f8)}
.hero h1{margin:0 0 .5rem;font-size:2.4rem;letter-spacing:-.03em}.hero p{margin:0;max-width:36rem;color:#4b5563}
main{padding:2rem;max-width:1100px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:1.25rem}
.card{border:1px solid #e5e7eb;border-radius:14px;overflow:hidden}
.card .img{height:140px}.card .body{padding:.9rem 1rem}.card h3{margin:0;font-size:1rem}
.card p{margin:.2rem 0 .6rem;color:#6b7280;font-size:.9rem}.price{font-weight:700}
${products.map(([, , , g], i) => `.p${i}{background:linear-gradient(135deg,${g})}`).join('')}
footer{padding:2rem;color:#6b7280;font-size:.85rem;border-top:1px solid #e5e7eb;margin-top:2rem}
code{background:#f3f4f6;padding:.1rem .35rem;border-radius:4px}`;

/** The CSP hash of the one inline style block, so the page needs no 'unsafe-inline'. */
export const demoStyleHash = `'sha256-${createHash('sha256').update(style).digest('base64')}'`;

/**
 * A sample product site on the embedded default. It embeds Parley exactly as
 * a customer would: one script tag with the demo tenant's publishable key.
 */
export function renderDemoPage(publishableKey: string): string {
  const cards = products
    .map(
      ([name, blurb, price], i) =>
        `<article class="card"><div class="img p${i}"></div><div class="body"><h3>${name}</h3><p>${blurb}</p><span class="price">${price}</span></div></article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Acme Store · Parley demo</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head><body>
<header><div class="logo">acme<span>.</span></div><nav><span>New in</span><span>Running</span><span>Outdoor</span><span>Sale</span></nav></header>
<section class="hero"><h1>Gear for every trail</h1>
<p>This sample store embeds the Parley chat widget with one script tag. Open the chat button in the corner and ask anything.</p></section>
<main><div class="grid">
${cards}
</div></main>
<footer>Acme Store is a demo. The widget is loaded by <code>&lt;script src="/widget.js" data-parley-key="pk_…" async&gt;&lt;/script&gt;</code>.</footer>
<script src="/widget.js" data-parley-key="${escape(publishableKey)}" data-parley-title="Acme Assistant" data-parley-greeting="Hi! I can help with orders, shipping and our products." async></script>
</body></html>`;
}
