// A deliberately small STOMP 1.2 client for load generation over `ws`: one frame writer, one
// streaming frame reader, one connection helper. @stomp/stompjs keeps timers, a receipt registry
// and string decoding per connection, which at 10,000 connections costs the generator the CPU it
// shares with the server on this 2-core machine; here a frame is one string and a MESSAGE is
// handed to the caller as a byte range, decoded only if the caller wants it.
// Heart-beats are off (0,0) so that the figures measure messages, not keep-alives; STOMP 1.2 allows
// a bare EOL between frames, which the caller may send to keep an idle connection open.
import WebSocket from 'ws';

const LF = 10;
const CR = 13;
const NUL = 0;

/** One frame as a string. Header values must not need STOMP escaping (ours never do). */
export function encodeFrame(command, headers, body = '') {
  let frame = `${command}\n`;
  for (const name in headers) frame += `${name}:${headers[name]}\n`;
  if (body) frame += `content-length:${Buffer.byteLength(body)}\n`;
  return `${frame}\n${body}\0`;
}

/**
 * Splits a byte stream into frames, whatever the WebSocket framing: several frames in one message
 * and one frame over several both work. Honours content-length; skips heart-beat EOLs.
 * `onFrame(command, headers, buffer, bodyStart, bodyEnd)`.
 */
export class FrameReader {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.pending = null;
  }

  push(chunk) {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let i = 0;
    while (i < data.length) {
      while (i < data.length && (data[i] === LF || data[i] === CR)) i++;
      if (i >= data.length) break;
      const headEnd = findHeadEnd(data, i);
      if (!headEnd) break;
      const lines = data.toString('utf8', i, headEnd.at).split('\n');
      const command = stripCr(lines[0]);
      const headers = Object.create(null);
      for (let j = 1; j < lines.length; j++) {
        const colon = lines[j].indexOf(':');
        if (colon <= 0) continue;
        const name = lines[j].slice(0, colon);
        // STOMP 1.2: the first occurrence of a repeated header wins.
        if (!(name in headers)) headers[name] = stripCr(lines[j].slice(colon + 1));
      }
      const bodyStart = headEnd.at + headEnd.length;
      let bodyEnd;
      if (headers['content-length'] !== undefined) {
        bodyEnd = bodyStart + Number(headers['content-length']);
        if (data.length < bodyEnd + 1) break;
      } else {
        bodyEnd = data.indexOf(NUL, bodyStart);
        if (bodyEnd < 0) break;
      }
      this.onFrame(command, headers, data, bodyStart, bodyEnd);
      i = bodyEnd + 1;
    }
    // Copy the tail so that a partial frame never pins a large chunk.
    this.pending = i < data.length ? Buffer.from(data.subarray(i)) : null;
  }
}

const stripCr = (s) => (s.endsWith('\r') ? s.slice(0, -1) : s);

/** The blank line that ends the headers: `\n\n` or `\r\n\r\n`. */
function findHeadEnd(data, from) {
  for (let k = data.indexOf(LF, from); k >= 0 && k + 1 < data.length; k = data.indexOf(LF, k + 1)) {
    if (data[k + 1] === LF) return { at: k, length: 2 };
    if (data[k + 1] === CR && data[k + 2] === LF) return { at: k, length: 3 };
  }
  return null;
}

/**
 * Opens a WebSocket, sends CONNECT, then SUBSCRIBE with a receipt; resolves with the connection
 * once the subscription's RECEIPT came back (messages can flow), rejects with a short reason
 * ("ws: ECONNREFUSED", "stomp ERROR: ...", "timeout at CONNECTED", ...) otherwise.
 *
 * handlers: onMessage(headers, buffer, start, end), onReceipt(id), onError(message), onClose(code)
 */
export function openStomp({ url, connectHeaders, destination, timeoutMs = 15_000, handlers }) {
  return new Promise((resolve, reject) => {
    let stage = 'open';
    let settled = false;
    const ws = new WebSocket(url, 'v12.stomp', { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const fail = (reason) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(reason));
    };
    const timer = setTimeout(() => fail(`timeout at ${stage}`), timeoutMs);
    const conn = {
      ws,
      open: false,
      /** When this side last wrote (Date.now()), for keep-alives on otherwise silent connections. */
      lastSent: Date.now(),
      send(text) {
        if (ws.readyState !== WebSocket.OPEN) return false;
        ws.send(text);
        conn.lastSent = Date.now();
        return true;
      },
      close() {
        conn.open = false;
        ws.terminate();
      },
    };
    const reader = new FrameReader((command, headers, buffer, start, end) => {
      if (command === 'MESSAGE') return handlers.onMessage(headers, buffer, start, end);
      if (command === 'RECEIPT') {
        if (headers['receipt-id'] === 'sub' && !settled) {
          settled = true;
          clearTimeout(timer);
          conn.open = true;
          return resolve(conn);
        }
        return handlers.onReceipt(headers['receipt-id']);
      }
      if (command === 'CONNECTED') {
        stage = 'RECEIPT for SUBSCRIBE';
        ws.send(encodeFrame('SUBSCRIBE', { id: '0', destination, ack: 'auto', receipt: 'sub' }));
        return;
      }
      if (command === 'ERROR') {
        const message = headers.message ?? buffer.toString('utf8', start, Math.min(end, start + 200));
        if (!settled) return fail(`stomp ERROR at ${stage}: ${message}`);
        conn.open = false;
        return handlers.onError(message);
      }
    });
    ws.on('open', () => {
      stage = 'CONNECTED';
      ws.send(encodeFrame('CONNECT', { 'accept-version': '1.2', 'heart-beat': '0,0', ...connectHeaders }));
    });
    ws.on('message', (data) => reader.push(data));
    ws.on('error', (error) => fail(`ws: ${error.code ?? error.message}`));
    ws.on('close', (code) => {
      if (!settled) return fail(`closed ${code} at ${stage}`);
      if (conn.open) {
        conn.open = false;
        handlers.onClose(code);
      }
    });
  });
}
