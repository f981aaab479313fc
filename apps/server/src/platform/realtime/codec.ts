/**
 * STOMP 1.2 frames: an encoder and a streaming parser with hard memory limits.
 *
 * The parser is fed whatever the WebSocket hands us (several frames in one message, one frame over
 * many messages) and never throws: broken input becomes one typed error event, after which the
 * parser stays failed, because STOMP has no way to resynchronise after a framing error.
 */

export const CLIENT_COMMANDS = [
  'CONNECT',
  'STOMP',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'ACK',
  'NACK',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'DISCONNECT',
] as const;
export const SERVER_COMMANDS = ['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR'] as const;
export type ClientCommand = (typeof CLIENT_COMMANDS)[number];
export type ServerCommand = (typeof SERVER_COMMANDS)[number];
export type StompCommand = ClientCommand | ServerCommand;
const COMMANDS = new Set<string>([...CLIENT_COMMANDS, ...SERVER_COMMANDS]);

/** Headers keep their order and repeats: STOMP says the first occurrence of a name wins. */
export type StompHeader = readonly [name: string, value: string];

export interface StompFrame {
  command: StompCommand;
  headers: StompHeader[];
  body: Buffer;
}

export function headerValue(frame: Pick<StompFrame, 'headers'>, name: string): string | undefined {
  for (const [key, value] of frame.headers) if (key === name) return value;
  return undefined;
}

export interface CodecLimits {
  /** Largest body accepted, with or without content-length. */
  maxBodyBytes: number;
  maxHeaders: number;
  /** Longest command or header line, in bytes, without its EOL. */
  maxHeaderLineBytes: number;
  /** Bytes of one unfinished frame (command, headers and body so far) the parser may hold. */
  maxPendingBytes: number;
}

export const DEFAULT_CODEC_LIMITS: CodecLimits = {
  maxBodyBytes: 64 * 1024,
  maxHeaders: 64,
  maxHeaderLineBytes: 8 * 1024,
  maxPendingBytes: 64 * 1024 + 16 * 1024,
};

export type CodecErrorKind =
  | 'unknown-command'
  | 'malformed-header'
  | 'invalid-escape'
  | 'invalid-content-length'
  | 'invalid-eol'
  | 'missing-nul'
  | 'too-many-headers'
  | 'header-line-too-long'
  | 'body-too-large'
  | 'pending-limit'
  | 'internal';

export interface CodecError {
  kind: CodecErrorKind;
  message: string;
}

/** `heartbeat` stands for a whole run of EOLs between frames (one or a million), not for one EOL. */
export type ParseEvent = { type: 'frame'; frame: StompFrame } | { type: 'heartbeat' } | { type: 'error'; error: CodecError };

/** CONNECT and CONNECTED are never escaped, so that 1.0 peers can read them (STOMP 1.2, "Value Encoding"). */
const escapes = (command: string) => command !== 'CONNECT' && command !== 'CONNECTED';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const COLON = 0x3a;

type State = 'frame-start' | 'frame-start-cr' | 'command' | 'headers' | 'body-length' | 'body-nul' | 'frame-end' | 'failed';

class Failure {
  constructor(readonly error: CodecError) {}
}
const fail = (kind: CodecErrorKind, message: string) => new Failure({ kind, message });

/** One object for every heart-beat event: a flood allocates nothing. */
const HEARTBEAT: ParseEvent = Object.freeze({ type: 'heartbeat' });

/** Between frames; onCommand starts a frame's own array. */
const NO_HEADERS: StompHeader[] = [];

export class StompParser {
  readonly limits: CodecLimits;
  private state: State = 'frame-start';
  private line: Buffer[] = [];
  private lineBytes = 0;
  private command: StompCommand | null = null;
  private headers: StompHeader[] = NO_HEADERS;
  private headerBytes = 0;
  private body: Buffer[] = [];
  private bodyBytes = 0;
  private bodyLength = 0;

  constructor(limits: Partial<CodecLimits> = {}) {
    this.limits = { ...DEFAULT_CODEC_LIMITS, ...limits };
  }

  /** Bytes held for the frame in progress; never above `limits.maxPendingBytes`. */
  get pendingBytes(): number {
    return this.lineBytes + this.headerBytes + this.bodyBytes;
  }

  get failed(): boolean {
    return this.state === 'failed';
  }

  push(input: Uint8Array | string): ParseEvent[] {
    const events: ParseEvent[] = [];
    if (this.state === 'failed') return events;
    const chunk = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    try {
      this.consume(chunk, events);
    } catch (error) {
      const failure = error instanceof Failure ? error : fail('internal', `parser fault: ${(error as Error)?.message ?? error}`);
      this.reset();
      this.state = 'failed';
      events.push({ type: 'error', error: failure.error });
    }
    return events;
  }

  private consume(chunk: Buffer, events: ParseEvent[]) {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case 'frame-start':
        case 'frame-start-cr':
          pos = this.skipHeartbeats(chunk, pos, events);
          break;
        case 'command':
        case 'headers': {
          const end = chunk.indexOf(LF, pos);
          const stop = end === -1 ? chunk.length : end;
          let line: Buffer;
          if (end !== -1 && this.line.length === 0) {
            // The whole line is in this chunk: read it where it is (the usual case, and no copy).
            line = this.takeLine(chunk.subarray(pos, stop));
          } else {
            this.appendLine(chunk.subarray(pos, stop));
            if (end === -1) {
              pos = stop;
              break;
            }
            line = this.takeLine();
          }
          pos = stop + 1; // past the LF
          if (this.state === 'command') this.onCommand(line);
          else if (line.length === 0) this.onHeadersEnd();
          else this.onHeader(line);
          break;
        }
        case 'body-length': {
          const take = Math.min(this.bodyLength - this.bodyBytes, chunk.length - pos);
          this.appendBody(chunk.subarray(pos, pos + take));
          pos += take;
          if (this.bodyBytes === this.bodyLength) this.state = 'frame-end';
          break;
        }
        case 'frame-end': {
          if (chunk[pos] !== NUL) throw fail('missing-nul', 'a body of content-length bytes must be followed by NUL');
          pos++;
          this.emit(events);
          break;
        }
        case 'body-nul': {
          const end = chunk.indexOf(NUL, pos);
          const stop = end === -1 ? chunk.length : end;
          if (this.bodyBytes + (stop - pos) > this.limits.maxBodyBytes) {
            throw fail('body-too-large', `body exceeds ${this.limits.maxBodyBytes} bytes`);
          }
          this.appendBody(chunk.subarray(pos, stop));
          pos = stop;
          if (end === -1) break;
          pos++;
          this.emit(events);
          break;
        }
        case 'failed':
          return;
      }
    }
  }

  /**
   * EOLs between frames are heart-beats. A run of them is one event, however long: a newline
   * flood used to cost an event, a labelled metric increment and a clock read per byte, and 3 MB/s
   * from one anonymous socket kept the event loop busy. Here it costs a byte comparison each.
   */
  private skipHeartbeats(chunk: Buffer, from: number, events: ParseEvent[]): number {
    let pos = from;
    let beat = false;
    if (this.state === 'frame-start-cr') {
      if (chunk[pos] !== LF) throw fail('invalid-eol', 'a CR outside a frame must be followed by LF');
      pos++;
      beat = true;
      this.state = 'frame-start';
    }
    const end = chunk.length;
    while (pos < end) {
      const byte = chunk[pos]!;
      if (byte === LF) {
        pos++;
        beat = true;
      } else if (byte === CR) {
        if (pos + 1 === end) {
          this.state = 'frame-start-cr'; // its LF comes with the next chunk
          pos++;
          break;
        }
        if (chunk[pos + 1] !== LF) throw fail('invalid-eol', 'a CR outside a frame must be followed by LF');
        pos += 2;
        beat = true;
      } else {
        this.state = 'command';
        break;
      }
    }
    if (beat) events.push(HEARTBEAT);
    return pos;
  }

  private appendLine(part: Buffer) {
    if (part.length === 0) return;
    this.checkLine(this.lineBytes + part.length, part.length);
    this.line.push(Buffer.from(part)); // a copy: never pin the caller's whole chunk in memory
    this.lineBytes += part.length;
  }

  private checkLine(total: number, more: number) {
    // One extra byte for the CR of a CRLF line ending.
    if (total > this.limits.maxHeaderLineBytes + 1) {
      throw fail('header-line-too-long', `a line exceeds ${this.limits.maxHeaderLineBytes} bytes`);
    }
    this.checkPending(more);
  }

  /** The line gathered by appendLine, or one found whole in the chunk (`inPlace`). */
  private takeLine(inPlace?: Buffer): Buffer {
    let line: Buffer;
    let held: number;
    if (inPlace) {
      if (inPlace.length > 0) this.checkLine(inPlace.length, inPlace.length);
      line = inPlace;
      held = inPlace.length;
    } else {
      line = this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line, this.lineBytes);
      held = this.lineBytes;
      // Emptied, not replaced: a new array per line outlived young-generation GCs on idle
      // connections and filled the old generation.
      this.line.length = 0;
      this.lineBytes = 0;
    }
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    if (line.length > this.limits.maxHeaderLineBytes) {
      throw fail('header-line-too-long', `a line exceeds ${this.limits.maxHeaderLineBytes} bytes`);
    }
    if (line.includes(CR)) throw fail('invalid-eol', 'a bare CR inside a line');
    // The line's bytes now count as header memory until the frame is emitted.
    this.headerBytes += held;
    return line;
  }

  private onCommand(line: Buffer) {
    const command = line.toString('latin1');
    if (!COMMANDS.has(command)) throw fail('unknown-command', `unknown command ${JSON.stringify(command.slice(0, 32))}`);
    this.command = command as StompCommand;
    this.headers = [];
    this.state = 'headers';
  }

  private onHeader(line: Buffer) {
    if (this.headers.length >= this.limits.maxHeaders) throw fail('too-many-headers', `more than ${this.limits.maxHeaders} headers`);
    const colon = line.indexOf(COLON);
    if (colon <= 0) throw fail('malformed-header', 'a header line needs a name and a colon');
    let name = line.toString('utf8', 0, colon);
    let value = line.toString('utf8', colon + 1);
    if (escapes(this.command!)) {
      name = unescapeHeader(name);
      value = unescapeHeader(value);
    }
    this.headers.push([name, value]);
  }

  private onHeadersEnd() {
    const declared = headerValue({ headers: this.headers }, 'content-length');
    if (declared === undefined) {
      this.state = 'body-nul';
      return;
    }
    if (!/^[0-9]{1,10}$/.test(declared)) throw fail('invalid-content-length', 'content-length must be a decimal number of bytes');
    const length = Number(declared);
    if (length > this.limits.maxBodyBytes) throw fail('body-too-large', `body exceeds ${this.limits.maxBodyBytes} bytes`);
    this.checkPending(length);
    this.bodyLength = length;
    this.state = length === 0 ? 'frame-end' : 'body-length';
  }

  private appendBody(part: Buffer) {
    if (part.length === 0) return;
    this.checkPending(part.length);
    this.body.push(Buffer.from(part));
    this.bodyBytes += part.length;
  }

  private checkPending(more: number) {
    if (this.pendingBytes + more > this.limits.maxPendingBytes) {
      throw fail('pending-limit', `a frame exceeds ${this.limits.maxPendingBytes} bytes`);
    }
  }

  private emit(events: ParseEvent[]) {
    const body = this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body, this.bodyBytes);
    events.push({ type: 'frame', frame: { command: this.command!, headers: this.headers, body } });
    this.reset();
    this.state = 'frame-start';
  }

  /**
   * Ready for the next frame. The frame's headers went out with it; the line and body arrays are
   * emptied and kept: on ten thousand mostly idle connections, new ones per frame lived until
   * that connection's next frame, past young-generation GCs, and filled the old generation.
   */
  private reset() {
    this.line.length = 0;
    this.lineBytes = 0;
    this.command = null;
    this.headers = NO_HEADERS;
    this.headerBytes = 0;
    this.body.length = 0;
    this.bodyBytes = 0;
    this.bodyLength = 0;
  }
}

function unescapeHeader(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = text[++i];
    if (next === 'r') out += '\r';
    else if (next === 'n') out += '\n';
    else if (next === 'c') out += ':';
    else if (next === '\\') out += '\\';
    // STOMP 1.2: an undefined escape sequence is a fatal protocol error.
    else throw fail('invalid-escape', 'undefined escape sequence in a header');
  }
  return out;
}

const NEEDS_ESCAPE = /[\\\r\n:]/;

function escapeHeader(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[\\\r\n:]/g, (char) => (char === '\\' ? '\\\\' : char === '\r' ? '\\r' : char === '\n' ? '\\n' : '\\c'));
}

export interface OutgoingFrame {
  command: StompCommand;
  headers?: Iterable<StompHeader> | Record<string, string | number | undefined>;
  body?: Uint8Array | string;
}

const NUL_BUFFER = Buffer.from([NUL]);

/**
 * One frame as bytes. `content-length` is added unless present or `contentLength: false`, so
 * bodies may hold NUL. CONNECT/CONNECTED headers cannot carry CR, LF (or ':' in a name): that
 * would be our bug, so it throws.
 */
export function encodeFrame(frame: OutgoingFrame, options: { contentLength?: boolean } = {}): Buffer {
  const body = frame.body === undefined ? Buffer.alloc(0) : typeof frame.body === 'string' ? Buffer.from(frame.body, 'utf8') : frame.body;
  const pairs: StompHeader[] = [];
  if (frame.headers) {
    const source = Symbol.iterator in frame.headers ? (frame.headers as Iterable<StompHeader>) : Object.entries(frame.headers);
    for (const [name, value] of source) if (value !== undefined) pairs.push([name, String(value)]);
  }
  let head = frame.command + '\n' + headerLines(frame.command, pairs);
  if (options.contentLength !== false && !pairs.some(([name]) => name === 'content-length')) head += `content-length:${body.byteLength}\n`;
  head += '\n';
  return Buffer.concat([Buffer.from(head, 'utf8'), body, NUL_BUFFER]);
}

/**
 * A MESSAGE frame in two parts, so that a room's subscribers share the encoding of what they get
 * alike: `encodeMessageHead` holds one subscriber's own headers (subscription, ack),
 * `encodeMessageTail` every other header, content-length and the body. Head then tail is one frame.
 */
export function encodeMessageHead(own: StompHeader[]): Buffer {
  return Buffer.from('MESSAGE\n' + headerLines('MESSAGE', own), 'utf8');
}

export function encodeMessageTail(headers: StompHeader[], body: Uint8Array): Buffer {
  const text = headerLines('MESSAGE', headers) + `content-length:${body.byteLength}\n\n`;
  return Buffer.concat([Buffer.from(text, 'utf8'), body, NUL_BUFFER]);
}

function headerLines(command: StompCommand, pairs: StompHeader[]): string {
  const escape = escapes(command);
  let lines = '';
  for (const [name, value] of pairs) {
    if (escape) lines += `${escapeHeader(name)}:${escapeHeader(value)}\n`;
    else {
      if (/[\r\n:]/.test(name) || /[\r\n]/.test(value)) throw new TypeError(`${command} header ${JSON.stringify(name)} cannot be encoded`);
      lines += `${name}:${value}\n`;
    }
  }
  return lines;
}
