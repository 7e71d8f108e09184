// One web-mode WebSocket: JSON requests in, responses and pushed events out, over the same command layer as
// Electron IPC with the remote capability set (W-05, W-07). Bounded: message size (maxPayload, set on the
// server), calls in flight, messages per second; a peer that stops answering pings is dropped. Under
// backpressure, progress events are skipped (the next one supersedes them); state events never are.
import type { WebSocket } from 'ws';
import { type EventMap, type EventName, type WireEvent, type WireResponse } from '../../preload/contract';
import type { Studio } from '../services/studio';

const MAX_IN_FLIGHT = 32;
const MAX_MESSAGES_PER_SECOND = 100;
const SKIP_PROGRESS_ABOVE_BYTES = 4 * 1024 * 1024;

function send(ws: WebSocket, message: WireResponse | WireEvent): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

function parseRequest(data: string): { id: number; method: unknown; args: unknown } | null {
  let msg: unknown;
  try { msg = JSON.parse(data); } catch { return null; }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return null;
  const keys = Object.keys(msg);
  if (keys.length > 3 || keys.some((k) => k !== 'id' && k !== 'method' && k !== 'args')) return null;
  const { id, method, args } = msg as Record<string, unknown>;
  if (!Number.isSafeInteger(id) || (id as number) < 0) return null;
  return { id: id as number, method, args };
}

export function serveSocket(ws: WebSocket, studio: Studio): void {
  let inFlight = 0;
  let windowStart = Date.now();
  let messages = 0;
  let alive = true;

  const disconnect = studio.events.connect(<E extends EventName>(event: E, payload: EventMap[E]) => {
    const progress = event === 'onJobEvent' && (payload as { type: string }).type === 'progress';
    if (progress && ws.bufferedAmount > SKIP_PROGRESS_ABOVE_BYTES) return;
    send(ws, { event, payload });
  });
  const ping = setInterval(() => {
    if (!alive) { ws.terminate(); return; }
    alive = false;
    ws.ping();
  }, 30_000);
  ws.on('pong', () => { alive = true; });
  ws.on('close', () => { clearInterval(ping); disconnect(); });
  ws.on('error', () => ws.terminate());

  ws.on('message', (data, isBinary) => {
    const now = Date.now();
    if (now - windowStart >= 1000) { windowStart = now; messages = 0; }
    if (++messages > MAX_MESSAGES_PER_SECOND) { ws.close(1008, 'too many messages'); return; }
    const request = isBinary ? null : parseRequest(data.toString());
    if (!request) { ws.close(1003, 'malformed message'); return; }
    if (inFlight >= MAX_IN_FLIGHT) {
      send(ws, { id: request.id, ok: false, error: { code: 'unavailable', message: 'Too many requests at once; try again.' } });
      return;
    }
    inFlight++;
    void studio.dispatch(request.method, request.args, { remote: true }).then((result) => {
      inFlight--;
      send(ws, { id: request.id, ...result });
    });
  });
}
