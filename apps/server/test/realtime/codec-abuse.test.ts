import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, StompParser, type ParseEvent } from '../../src/platform/realtime/codec.js';

/**
 * What an abusive peer can make the parser do. The cost that froze a node was per event (an event
 * object, a labelled metric increment and a clock read for every newline), so the properties count
 * events per byte: deterministic, unlike a timing. A run of EOLs, however long, is one heart-beat.
 */
const count = (events: ParseEvent[], type: ParseEvent['type']) => events.filter((e) => e.type === type).length;

/** Pushes `bytes` in chunks of the given sizes (cycled); returns every event and the number of pushes. */
function feedInChunks(parser: StompParser, bytes: Buffer, sizes: number[]) {
  const events: ParseEvent[] = [];
  let pushes = 0;
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    for (const event of parser.push(bytes.subarray(at, at + size))) events.push(event);
    at += size;
    pushes++;
  }
  return { events, pushes };
}

const MB5 = 5 * 1024 * 1024;
const frame = encodeFrame({
  command: 'SEND',
  headers: { destination: '/pub/chat/rooms/0190c2f0-0000-7000-8000-000000000000/messages', 'content-type': 'application/json' },
  body: '{"clientId":"abcdefgh12345678","kind":"text","body":"안녕하세요, 오늘 날씨가 좋네요"}',
});
/** About 5 MB of ordinary chat SENDs, each followed by one heart-beat EOL as a client might send. */
const normalInput = Buffer.concat(
  Array.from({ length: Math.ceil(MB5 / (frame.length + 1)) }, () => Buffer.concat([frame, Buffer.from('\n')])),
);
/** WebSocket messages as ws hands them to the gateway: 64 KB each. */
const WS_MESSAGE = 64 * 1024;

function bestCpuMs(run: () => void, times = 3): number {
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

describe('STOMP codec under abuse', () => {
  it('turns a 5 MB newline flood into one heart-beat per WebSocket message, not one per byte', () => {
    for (const eol of ['\n', '\r\n']) {
      const flood = Buffer.alloc(MB5, eol);
      const parser = new StompParser();
      const { events, pushes } = feedInChunks(parser, flood, [WS_MESSAGE]);
      expect(count(events, 'error')).toBe(0);
      expect(count(events, 'heartbeat')).toBeLessThanOrEqual(pushes);
      expect(pushes).toBe(MB5 / WS_MESSAGE);
      // Sent whole, it is one event.
      expect(new StompParser().push(flood)).toEqual([{ type: 'heartbeat' }]);
    }
  });

  it('costs no more per byte for a newline flood than for ordinary frames of the same size', () => {
    const flood = Buffer.alloc(normalInput.length, '\n');
    const parse = (bytes: Buffer) => () => void feedInChunks(new StompParser(), bytes, [WS_MESSAGE]);
    parse(normalInput)(); // warm up both paths before measuring
    parse(flood)();
    const normal = bestCpuMs(parse(normalInput));
    const flooded = bestCpuMs(parse(flood));
    // A relative bound, the best of three runs each: the same machine and moment for both inputs.
    expect(flooded).toBeLessThan(2 * normal);
  });

  it('emits O(frames + pushes) events for any mix of EOLs, NULs, headers and frames, however split', () => {
    const piece = fc.oneof(
      fc.constantFrom('\n', '\r\n', '\n\n\n\n', '\r\n\r\n\r\n'),
      fc.integer({ min: 1, max: 5000 }).map((n) => '\n'.repeat(n)),
      fc.integer({ min: 1, max: 3000 }).map((n) => '\r\n'.repeat(n)),
      fc.constant(frame.toString('utf8')),
      fc.integer({ min: 0, max: 200 }).map((n) => `SEND\ndestination:/pub/a\n${'h:v\n'.repeat(n)}\nx\0`),
      fc.integer({ min: 1, max: 5000 }).map((n) => '\0'.repeat(n)),
      fc.integer({ min: 1, max: 200 }).map((n) => '\r'.repeat(n)),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 8 }),
        (pieces, sizes) => {
          const bytes = Buffer.from(pieces.join(''), 'utf8');
          const parser = new StompParser();
          const { events, pushes } = feedInChunks(parser, bytes, sizes);
          const frames = count(events, 'frame');
          // Each heart-beat event ends a run of EOLs, and a run ends at a frame or at a push's end.
          expect(count(events, 'heartbeat')).toBeLessThanOrEqual(frames + pushes);
          expect(count(events, 'error')).toBeLessThanOrEqual(1);
          // Never more than one event per four bytes, however the input is shaped ("X\n\n\0" is the shortest frame).
          expect(events.length).toBeLessThanOrEqual(Math.ceil(bytes.length / 4) + pushes);
          expect(parser.pendingBytes).toBeLessThanOrEqual(parser.limits.maxPendingBytes);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads the same frames and one heart-beat per run whether a flood arrives whole or one byte at a time', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 1, maxLength: 300 }), (eols) => {
        const run = eols.join('');
        const bytes = Buffer.concat([Buffer.from(run), frame, Buffer.from(run), frame]);
        const whole = new StompParser().push(bytes);
        expect(whole.map((e) => e.type)).toEqual(['heartbeat', 'frame', 'heartbeat', 'frame']);
        const split = feedInChunks(new StompParser(), bytes, [1]);
        expect(split.events.filter((e) => e.type === 'frame')).toEqual(whole.filter((e) => e.type === 'frame'));
        expect(count(split.events, 'error')).toBe(0);
        // A CRLF split between two pushes is still one EOL: no error, no extra event per byte.
        expect(count(split.events, 'heartbeat')).toBeLessThanOrEqual(split.pushes);
      }),
      { numRuns: 100 },
    );
  });
});
