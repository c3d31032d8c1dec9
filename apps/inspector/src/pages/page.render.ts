import { BinView, RequestView } from '../bins/bin.view';
import { html, SafeHtml } from './html';
import { PAGE_SCRIPT, PAGE_STYLE } from './page-assets';

/** The bin page shows this many of the newest requests; the JSON API has them all. */
export const PAGE_REQUESTS = 100;

interface Layout {
  title: string;
  nonce: string;
  pollUrl: string | null;
  binId?: string;
  main: SafeHtml;
}

function layout({ title, nonce, pollUrl, binId, main }: Layout): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style nonce="${nonce}">${new SafeHtml(PAGE_STYLE)}</style>
</head>
<body data-poll-url="${pollUrl ?? ''}" data-bin-id="${binId ?? ''}">
<header><a href="/">Hookline webhook inspector</a></header>
<main>
${main}
</main>
<script nonce="${nonce}">${new SafeHtml(PAGE_SCRIPT)}</script>
</body>
</html>
`.value;
}

export function renderIndex(bins: BinView[], baseUrl: string, nonce: string): string {
  const main = html`
<h1>Bins</h1>
<p><button type="button" data-action="new-bin" data-testid="new-bin">New bin</button>
 <span class="muted">or <code>curl -s -X POST ${baseUrl}/bins</code></span></p>
<section data-testid="live">
${bins.length === 0 ? html`<p class="muted" data-testid="empty">No bins yet.</p>` : ''}
<ul data-testid="bins">
${bins.map(
  (bin) => html`<li class="card" data-testid="bin" data-bin-id="${bin.id}">
<a href="/bins/${bin.id}">${bin.id}</a> <span class="muted">${bin.request_count} request(s), created ${bin.created_at}</span><br>
<code>${bin.url}</code></li>`,
)}
</ul>
</section>`;
  return layout({ title: 'Webhook inspector', nonce, pollUrl: '/bins', main });
}

export function renderBin(bin: BinView, requests: RequestView[], nonce: string): string {
  const shown = requests.slice(0, PAGE_REQUESTS);
  const curl = `curl -X POST ${bin.url} -H 'content-type: application/json' -d '{"hello":"world"}'`;
  const main = html`
<h1>Bin <code>${bin.id}</code></h1>
<div class="card">
<div>Send webhooks to <code data-testid="bin-url">${bin.url}</code></div>
<div class="muted" data-testid="bin-config">answers ${bin.config.status} after ${bin.config.delay_ms} ms;
${bin.config.has_secret ? 'verifies Standard Webhooks signatures with the configured secret' : 'no secret set, signatures not checked'}</div>
<div class="muted">Try it: <code>${curl}</code></div>
</div>
<section data-testid="live">
<p data-testid="request-count">${bin.request_count} request(s)${bin.request_count > shown.length ? html`, the newest ${shown.length} shown` : ''}</p>
${shown.length === 0 ? html`<p class="muted" data-testid="empty">Waiting for the first request… this page refreshes by itself.</p>` : ''}
<ol data-testid="requests">
${shown.map((request, index) => renderRequest(request, index === 0))}
</ol>
</section>`;
  return layout({ title: `Bin ${bin.id}`, nonce, pollUrl: `/bins/${encodeURIComponent(bin.id)}/requests?limit=1`, binId: bin.id, main });
}

export function renderNotFound(id: string, nonce: string): string {
  const main = html`<h1>No such bin</h1><p data-testid="not-found">Bin <code>${id}</code> does not exist (bins live in memory: a restart or
the 100-bin limit drops them). <button type="button" data-action="new-bin">New bin</button></p>`;
  return layout({ title: 'No such bin', nonce, pollUrl: null, main });
}

function renderRequest(request: RequestView, open: boolean): SafeHtml {
  const target = request.query ? `${request.path}?${request.query}` : request.path;
  return html`<li class="request" data-testid="request" data-request-id="${request.id}">
<details${open ? new SafeHtml(' open') : ''}>
<summary><span class="method" data-testid="request-method">${request.method}</span>
<code data-testid="request-path">${target}</code>
<time class="muted" data-testid="request-time" datetime="${request.received_at}">${request.received_at}</time>
${renderVerdict(request)}
${renderAnswer(request)}
<span class="muted">${request.body_bytes} bytes${request.truncated ? ' (truncated)' : ''}</span></summary>
<table data-testid="request-headers">
${Object.entries(request.headers).map(([name, value]) => html`<tr><th>${name}</th><td>${value}</td></tr>`)}
</table>
${request.body_encoding === 'base64' ? html`<div class="muted">binary body, shown as base64</div>` : ''}
<pre data-testid="request-body">${prettyBody(request)}</pre>
</details>
</li>`;
}

function renderVerdict(request: RequestView): SafeHtml {
  if (request.signature === null) {
    return html`<span class="verdict none" data-testid="signature" data-verdict="none">signature not checked</span>`;
  }
  return html`<span class="verdict ${request.signature}" data-testid="signature" data-verdict="${request.signature}"
title="${request.signature_reason ?? ''}">signature ${request.signature}</span>`;
}

/** What the bin answered, so a developer sees the failures a bin configured with `status` hands back. */
function renderAnswer(request: RequestView): SafeHtml {
  if (request.answered_status === null) return html`<span class="answer pending" data-testid="answered" data-status="">not answered yet</span>`;
  const kind = request.answered_status >= 200 && request.answered_status < 300 ? 'ok' : 'error';
  return html`<span class="answer ${kind}" data-testid="answered" data-status="${String(request.answered_status)}">answered ${String(request.answered_status)}</span>`;
}

/** JSON indented for reading; anything else exactly as received. */
function prettyBody(request: RequestView): string {
  if (request.body_encoding !== 'utf8' || request.truncated) return request.body;
  try {
    return JSON.stringify(JSON.parse(request.body), null, 2);
  } catch {
    return request.body;
  }
}
