import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_COMMANDS,
  SERVER_COMMANDS,
  StompParser,
  encodeFrame,
  encodeMessageHead,
  encodeMessageTail,
  headerValue,
  type CodecLimits,
  type ParseEvent,
  type StompCommand,
  type StompFrame,
  type StompHeader,
} from '../../src/platform/realtime/codec.js';

const frames = (events: ParseEvent[]) => events.flatMap((e) => (e.type === 'frame' ? [e.frame] : []));
const errors = (events: ParseEvent[]) => events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
const heartbeats = (events: ParseEvent[]) => events.filter((e) => e.type === 'heartbeat').length;

/** Feeds `bytes` cut at the given points, as a WebSocket might. */
function feed(parser: StompParser, bytes: Buffer, cuts: number[] = []): ParseEvent[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const events: ParseEvent[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    events.push(...parser.push(bytes.subarray(start, point)));
    start = point;
  }
  return events;
}

describe('STOMP codec: unit behaviour', () => {
  it('reads heart-beat EOLs between frames, LF and CRLF alike, one event per run', () => {
    const parser = new StompParser();
    const events = parser.push('\n\r\nSEND\ndestination:/pub/a\n\nhi\0\n\r\n\nSEND\r\ndestination:/pub/b\r\n\r\nthere\0');
    expect(events.map((e) => e.type)).toEqual(['heartbeat', 'frame', 'heartbeat', 'frame']);
    expect(errors(events)).toEqual([]);
    const [a, b] = frames(events);
    expect(headerValue(a!, 'destination')).toBe('/pub/a');
    expect(a!.body.toString()).toBe('hi');
    expect(headerValue(b!, 'destination')).toBe('/pub/b');
    expect(b!.body.toString()).toBe('there');
  });

  it('parses several frames from one chunk, in order', () => {
    const chunk = Buffer.concat(
      [1, 2, 3].map((n) => encodeFrame({ command: 'SEND', headers: { destination: `/pub/${n}` }, body: `m${n}` })),
    );
    const got = frames(new StompParser().push(chunk));
    expect(got.map((f) => f.body.toString())).toEqual(['m1', 'm2', 'm3']);
  });

  it('parses one frame split into single bytes', () => {
    const bytes = encodeFrame({ command: 'SEND', headers: { destination: '/pub/x', receipt: 'r-1' }, body: '{"text":"안녕"}' });
    const parser = new StompParser();
    const events = feed(
      parser,
      bytes,
      Array.from({ length: bytes.length }, (_, i) => i),
    );
    expect(frames(events)).toHaveLength(1);
    expect(frames(events)[0]!.body.toString()).toBe('{"text":"안녕"}');
    expect(parser.pendingBytes).toBe(0);
  });

  it('keeps NUL bytes inside a content-length body', () => {
    const body = Buffer.from([1, 0, 2, 0, 0, 3]);
    const [frame] = frames(new StompParser().push(encodeFrame({ command: 'SEND', headers: { destination: '/pub/bin' }, body })));
    expect(Buffer.compare(frame!.body, body)).toBe(0);
  });

  it('unescapes \\r \\n \\c \\\\ in headers, but not in CONNECT and CONNECTED', () => {
    const [send] = frames(new StompParser().push('SEND\ndestination:/pub/a\nnote:a\\cb\\nc\\rd\\\\e\n\n\0'));
    expect(headerValue(send!, 'note')).toBe('a:b\nc\rd\\e');
    const [connect] = frames(new StompParser().push('CONNECT\nlogin:a\\cb\nhost:x:y\n\n\0'));
    expect(headerValue(connect!, 'login')).toBe('a\\cb');
    expect(headerValue(connect!, 'host')).toBe('x:y');
  });

  it('keeps the first of repeated headers as the value, as STOMP says', () => {
    const [frame] = frames(new StompParser().push('MESSAGE\nfoo:1\nfoo:2\n\n\0'));
    expect(headerValue(frame!, 'foo')).toBe('1');
    expect(frame!.headers).toEqual([
      ['foo', '1'],
      ['foo', '2'],
    ]);
  });

  it.each([
    ['an unknown command', 'HELLO\n\n\0', 'unknown-command'],
    ['a header without a colon', 'SEND\nnocolon\n\n\0', 'malformed-header'],
    ['an undefined escape', 'SEND\na:b\\t\n\n\0', 'invalid-escape'],
    ['a non-numeric content-length', 'SEND\ncontent-length:12a\n\n\0', 'invalid-content-length'],
    ['a body longer than its content-length', 'SEND\ncontent-length:2\n\nabc\0', 'missing-nul'],
    ['a bare CR between frames', '\rX', 'invalid-eol'],
    ['a bare CR inside a line', 'SEND\na:b\rc\n\n\0', 'invalid-eol'],
  ])('reports %s as a typed error and then stays failed', (_, input, kind) => {
    const parser = new StompParser();
    const events = parser.push(input);
    expect(errors(events).map((e) => e.kind)).toEqual([kind]);
    expect(parser.failed).toBe(true);
    expect(parser.push('SEND\n\n\0')).toEqual([]);
  });

  describe('limits', () => {
    const limits: CodecLimits = { maxBodyBytes: 1024, maxHeaders: 4, maxHeaderLineBytes: 64, maxPendingBytes: 1400 };

    it('accepts a body of exactly the limit and refuses one byte more, with or without content-length', () => {
      const at = 'x'.repeat(1024);
      expect(frames(new StompParser(limits).push(encodeFrame({ command: 'SEND', body: at })))).toHaveLength(1);
      expect(frames(new StompParser(limits).push(encodeFrame({ command: 'SEND', body: at }, { contentLength: false })))).toHaveLength(1);
      const over = `${at}x`;
      expect(errors(new StompParser(limits).push(encodeFrame({ command: 'SEND', body: over })))[0]?.kind).toBe('body-too-large');
      expect(errors(new StompParser(limits).push(encodeFrame({ command: 'SEND', body: over }, { contentLength: false })))[0]?.kind).toBe(
        'body-too-large',
      );
    });

    it('refuses a declared content-length over the limit before any body arrives', () => {
      const parser = new StompParser(limits);
      expect(errors(parser.push('SEND\ncontent-length:999999\n\n'))[0]?.kind).toBe('body-too-large');
      expect(parser.pendingBytes).toBe(0);
    });

    it('refuses too many headers and over-long lines', () => {
      const many = 'SEND\n' + Array.from({ length: 5 }, (_, i) => `h${i}:v\n`).join('') + '\n\0';
      expect(errors(new StompParser(limits).push(many))[0]?.kind).toBe('too-many-headers');
      const long = `SEND\nh:${'v'.repeat(100)}\n\n\0`;
      expect(errors(new StompParser(limits).push(long))[0]?.kind).toBe('header-line-too-long');
      // Even when the long line never ends, the parser stops holding it.
      const parser = new StompParser(limits);
      for (let i = 0; i < 10 && !parser.failed; i++) parser.push('y'.repeat(20));
      expect(parser.failed).toBe(true);
      expect(parser.pendingBytes).toBe(0);
    });

    it('never holds more than the pending limit for one frame', () => {
      const parser = new StompParser({ ...limits, maxPendingBytes: 300, maxHeaders: 64 });
      let failedWith: string | undefined;
      parser.push('SEND\n');
      for (let i = 0; i < 50 && !failedWith; i++) {
        failedWith = errors(parser.push(`header${i}:${'z'.repeat(40)}\n`))[0]?.kind;
        expect(parser.pendingBytes).toBeLessThanOrEqual(300);
      }
      expect(failedWith).toBe('pending-limit');
    });
  });
});

// ---- properties ----

const COMMANDS: StompCommand[] = [...CLIENT_COMMANDS, ...SERVER_COMMANDS];
const anyText = (max: number) => fc.string({ unit: 'grapheme', maxLength: max });
/** Header text for escaped frames may contain anything, the delimiters included. */
const escapedText = (max: number) =>
  fc.array(fc.oneof(anyText(4), fc.constantFrom(':', '\n', '\r', '\\', '\\n', '\0')), { maxLength: max }).map((parts) => parts.join(''));

const frameArb: fc.Arbitrary<{ frame: StompFrame; withLength: boolean }> = fc
  .record({
    command: fc.constantFrom(...COMMANDS),
    headers: fc.array(fc.tuple(escapedText(6), escapedText(8)), { maxLength: 10 }),
    body: fc.uint8Array({ maxLength: 600 }),
    withLength: fc.boolean(),
  })
  .map(({ command, headers, body, withLength }) => {
    const raw = command === 'CONNECT' || command === 'CONNECTED';
    const clean = headers
      .map(([name, value]): StompHeader => (raw ? [name.replace(/[\r\n:]/g, ''), value.replace(/[\r\n]/g, '')] : [name, value]))
      .filter(([name]) => name.length > 0 && name !== 'content-length');
    // Without content-length the body ends at the first NUL, so it cannot contain one.
    const bytes = Buffer.from(withLength ? body : body.filter((b) => b !== 0));
    return { frame: { command, headers: clean, body: bytes }, withLength };
  });

describe('STOMP codec: properties', () => {
  it('round-trips any frames, separated by heart-beats, however the bytes are split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(frameArb, fc.array(fc.constantFrom('\n', '\r\n'), { maxLength: 3 })), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (items, cuts) => {
          const wire = Buffer.concat(
            items.flatMap(([{ frame, withLength }, eols]) => [
              encodeFrame(frame, { contentLength: withLength }),
              Buffer.from(eols.join('')),
            ]),
          );
          const parser = new StompParser({ maxPendingBytes: 1 << 20, maxHeaderLineBytes: 1 << 16 });
          const events = feed(parser, wire, cuts);
          expect(errors(events)).toEqual([]);
          const got = frames(events);
          expect(got).toHaveLength(items.length);
          items.forEach(([{ frame, withLength }], i) => {
            const expectedHeaders = withLength ? [...frame.headers, ['content-length', String(frame.body.length)]] : frame.headers;
            expect(got[i]!.command).toBe(frame.command);
            expect(got[i]!.headers).toEqual(expectedHeaders);
            expect(Buffer.compare(got[i]!.body, frame.body)).toBe(0);
          });
          // A run of EOLs is one heart-beat, or one per piece when a cut falls inside it.
          const runs = items.filter(([, eols]) => eols.length > 0).length;
          expect(heartbeats(events)).toBeGreaterThanOrEqual(runs);
          expect(heartbeats(events)).toBeLessThanOrEqual(runs + cuts.length);
          expect(parser.pendingBytes).toBe(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('encodes a MESSAGE as a head per subscriber and a shared tail, the same frame as encodeFrame', () => {
    const anyHeader = fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 24 }));
    fc.assert(
      fc.property(
        fc.array(anyHeader, { minLength: 1, maxLength: 2 }),
        fc.array(anyHeader, { maxLength: 5 }),
        fc.uint8Array({ maxLength: 200 }),
        (own, shared, body) => {
          const split = Buffer.concat([encodeMessageHead(own), encodeMessageTail(shared, body)]);
          expect(split.equals(encodeFrame({ command: 'MESSAGE', headers: [...own, ...shared], body }))).toBe(true);
          const [frame] = frames(new StompParser({ maxPendingBytes: 1 << 20 }).push(split));
          expect(frame!.headers).toEqual([...own, ...shared, ['content-length', String(body.length)]]);
          expect(Buffer.compare(frame!.body, body)).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  const small: CodecLimits = { maxBodyBytes: 256, maxHeaders: 4, maxHeaderLineBytes: 48, maxPendingBytes: 280 };
  /** Random bytes, and mangled real frames, so the fuzz reaches the deeper states too. */
  const hostileBytes = fc.oneof(
    fc.uint8Array({ maxLength: 2000 }),
    fc
      .tuple(frameArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat())
      .map(([{ frame, withLength }, flips, extra]) => {
        const bytes = Buffer.from(encodeFrame(frame, { contentLength: withLength }));
        for (const [at, value] of flips) if (bytes.length) bytes[at % bytes.length] = value;
        return Buffer.concat([bytes, Buffer.alloc(extra % 700, 0x41)]);
      }),
    // Well-formed heads with bodies around the limits, where off-by-one mistakes live.
    fc
      .record({
        headers: fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 6 }),
        body: fc.integer({ min: 0, max: 400 }),
        length: fc.option(fc.integer({ min: 0, max: 400 })),
        end: fc.boolean(),
      })
      .map(({ headers, body, length, end }) =>
        Buffer.from(
          `SEND\n${headers.map((n, i) => `h${i}:${'v'.repeat(n)}\n`).join('')}${length === null ? '' : `content-length:${length}\n`}\n` +
            'b'.repeat(body) +
            (end ? '\0' : ''),
        ),
      ),
  );

  it('never throws, never holds more than the pending limit, and stops after its first error', () => {
    fc.assert(
      fc.property(fc.array(hostileBytes, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 30 }), (parts, cuts) => {
        const parser = new StompParser(small);
        const wire = Buffer.concat(parts);
        const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        let start = 0;
        let errorsSeen = 0;
        for (const point of [...points, wire.length]) {
          const events = parser.push(wire.subarray(start, point));
          start = point;
          errorsSeen += errors(events).length;
          if (errorsSeen > 0) expect(parser.failed).toBe(true);
          expect(parser.pendingBytes).toBeLessThanOrEqual(small.maxPendingBytes);
          for (const frame of frames(events)) {
            expect(frame.body.length).toBeLessThanOrEqual(small.maxBodyBytes);
            expect(frame.headers.length).toBeLessThanOrEqual(small.maxHeaders);
          }
        }
        expect(errorsSeen).toBeLessThanOrEqual(1);
        if (errorsSeen > 0) expect(parser.push('\nSEND\n\n\0')).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});
