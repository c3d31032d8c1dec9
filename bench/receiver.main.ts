import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { now } from './clock';
import { PathStats, ReceiverReply, ReceiverRequest } from './receiver.protocol';

/**
 * The bench's webhook receiver, in a process of its own so it never competes with the process it measures for an
 * event loop: a bare node:http server that answers 200 and counts distinct `webhook-id`s per path. On tracked paths
 * it also keeps each event id's arrival time, read from the start of the body (`{"id":"<event id>",...`).
 * Requests to /warmup are answered and not counted.
 */

interface PathState {
  ids: Set<string>;
  total: number;
  firstAt: number | null;
  lastAt: number | null;
  arrivals: Array<[string, number]> | null;
}

interface Waiter {
  count: number;
  resolve: () => void;
}

const paths = new Map<string, PathState>();
const waiters = new Map<string, Waiter[]>();
let trackPrefix: string | null = null;

function state(path: string): PathState {
  let entry = paths.get(path);
  if (!entry) {
    entry = { ids: new Set(), total: 0, firstAt: null, lastAt: null, arrivals: trackPrefix !== null && path.startsWith(trackPrefix) ? [] : null };
    paths.set(path, entry);
  }
  return entry;
}

function stats(path: string): PathStats {
  const entry = paths.get(path);
  return entry ? { distinct: entry.ids.size, total: entry.total, firstAt: entry.firstAt, lastAt: entry.lastAt } : { distinct: 0, total: 0, firstAt: null, lastAt: null };
}

function eventId(body: string): string | null {
  if (body.startsWith('{"id":"')) {
    const end = body.indexOf('"', 7);
    if (end > 7) return body.slice(7, end);
  }
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

function record(path: string, webhookId: string, body: string | null): void {
  const at = now();
  const entry = state(path);
  entry.total += 1;
  entry.firstAt ??= at;
  if (entry.ids.has(webhookId)) return;
  entry.ids.add(webhookId);
  entry.lastAt = at;
  if (entry.arrivals && body !== null) {
    const id = eventId(body);
    if (id) entry.arrivals.push([id, at]);
  }
  const pending = waiters.get(path);
  if (pending) {
    const still = pending.filter((waiter) => {
      if (entry.ids.size < waiter.count) return true;
      waiter.resolve();
      return false;
    });
    if (still.length) waiters.set(path, still);
    else waiters.delete(path);
  }
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const webhookId = req.headers['webhook-id'];
  const tracked = trackPrefix !== null && path.startsWith(trackPrefix);
  const chunks: Buffer[] | null = tracked ? [] : null;
  req.on('data', (chunk: Buffer) => chunks?.push(chunk));
  req.on('end', () => {
    if (path !== '/warmup' && typeof webhookId === 'string') record(path, webhookId, chunks ? Buffer.concat(chunks).toString('utf8') : null);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
}

function send(reply: ReceiverReply): void {
  process.send?.(reply);
}

process.on('message', (message: ReceiverRequest) => {
  switch (message.type) {
    case 'reset':
      paths.clear();
      for (const list of waiters.values()) for (const waiter of list) waiter.resolve();
      waiters.clear();
      trackPrefix = message.trackPrefix ?? null;
      return send({ type: 'reset', rid: message.rid });
    case 'stats':
      return send({ type: 'stats', rid: message.rid, stats: stats(message.path) });
    case 'wait': {
      const { rid, path, count, timeoutMs } = message;
      let answered = false;
      const answer = () => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        const current = stats(path);
        send({ type: 'wait', rid, reached: current.distinct >= count, stats: current });
      };
      const timer = setTimeout(answer, timeoutMs);
      if (stats(path).distinct >= count) return answer();
      const list = waiters.get(path) ?? [];
      list.push({ count, resolve: answer });
      waiters.set(path, list);
      return;
    }
    case 'arrivals':
      return send({ type: 'arrivals', rid: message.rid, arrivals: paths.get(message.path)?.arrivals ?? [] });
  }
});

// Orphaned by a bench that died: nothing left to receive for.
process.on('disconnect', () => process.exit(0));

const server = createServer({ keepAliveTimeout: 60_000 }, handle);
server.listen(0, '127.0.0.1', () => send({ type: 'ready', port: (server.address() as AddressInfo).port }));
