/**
 * The pages' only script and style, inline so the inspector works offline and a strict Content-Security-Policy can
 * allow exactly them by nonce. The script polls the JSON named by `data-poll-url`; when it changes, it fetches the
 * page again and swaps the server-rendered (escaped) live region, keeping open request details open.
 */
export const PAGE_SCRIPT = `
(() => {
  const pollUrl = document.body.dataset.pollUrl;
  let last = null;
  const swap = async () => {
    const page = await fetch(location.href, { cache: 'no-store' });
    if (!page.ok) return;
    const fresh = new DOMParser().parseFromString(await page.text(), 'text/html').querySelector('[data-testid=live]');
    const live = document.querySelector('[data-testid=live]');
    if (!fresh || !live) return;
    const open = new Set([...live.querySelectorAll('details[open]')].map((d) => d.closest('[data-request-id]')?.dataset.requestId));
    for (const details of fresh.querySelectorAll('[data-request-id] details')) {
      if (open.has(details.closest('[data-request-id]').dataset.requestId)) details.open = true;
    }
    live.replaceWith(document.adoptNode(fresh));
  };
  const tick = async () => {
    let delay = 1000;
    try {
      if (!document.hidden) {
        const response = await fetch(pollUrl, { cache: 'no-store' });
        const text = response.status + ' ' + (await response.text());
        if (last !== null && text !== last) await swap();
        last = text;
      }
    } catch {
      delay = 5000;
    }
    setTimeout(tick, delay);
  };
  if (pollUrl) tick();
  document.addEventListener('click', async (event) => {
    if (!event.target.closest('[data-action=new-bin]')) return;
    const response = await fetch('/bins', { method: 'POST' });
    if (response.ok) location.href = '/bins/' + encodeURIComponent((await response.json()).id);
  });
})();
`;

export const PAGE_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { background: #1d2330; color: #fff; padding: 10px 20px; }
header a { color: #fff; text-decoration: none; font-weight: 600; }
main { padding: 16px 20px; max-width: 1100px; }
code, pre { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #fff; border: 1px solid #dde1e7; padding: 10px; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-all; }
.card { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 12px 14px; margin: 10px 0; }
ol, ul { padding: 0; list-style: none; }
li.request { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; margin: 8px 0; padding: 8px 12px; }
summary { cursor: pointer; display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; }
.method { font-weight: 700; }
.muted { color: #6b7280; }
.verdict { border-radius: 10px; padding: 1px 8px; font-size: 12px; font-weight: 600; }
.verdict.valid { background: #dcfce7; color: #166534; }
.verdict.invalid { background: #fee2e2; color: #991b1b; }
.verdict.missing { background: #fef3c7; color: #92400e; }
.verdict.none { background: #e5e7eb; color: #374151; }
.answer { border-radius: 10px; padding: 1px 8px; font-size: 12px; font-weight: 600; }
.answer.ok { background: #dbeafe; color: #1e40af; }
.answer.error { background: #fee2e2; color: #991b1b; }
.answer.pending { background: #e5e7eb; color: #374151; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 2px 12px 2px 0; font: 12.5px ui-monospace, monospace; }
th { color: #6b7280; font-weight: 400; white-space: nowrap; }
td { word-break: break-all; }
button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid #1d2330; background: #1d2330; color: #fff; cursor: pointer; }
`;
