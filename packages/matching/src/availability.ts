// Weekly availability as a bitset of 15-minute cells in UTC (672 cells, cell 0 = Monday 00:00-00:15
// UTC), so the overlap of two people in any zones is a popcount. A bitset describes one week: the
// offsets are taken at each cell's own instant, so a daylight-saving change inside the week and
// +05:45 come out exact.
import { CELL_MINUTES, CELLS_PER_WEEK, WEEK_WORDS } from './constants.js';
import type { SharedWindow, TimeOfWeek } from './types.js';

const MINUTE_MS = 60_000;
const DAY_CELLS = (24 * 60) / CELL_MINUTES;

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
// Zone offsets change only on quarter hours, and asking Intl costs microseconds: remember them per
// zone and 15-minute cell, forgetting everything past a bound so a long-running server stays small.
const offsetCache = new Map<string, number>();
const OFFSET_CACHE_LIMIT = 100_000;

/** Offset of a zone from UTC at an instant, in minutes (Seoul +540, Kathmandu +345). */
export function utcOffsetMinutes(timeZone: string, at: number): number {
  const key = `${timeZone}@${Math.floor(at / (CELL_MINUTES * MINUTE_MS))}`;
  const known = offsetCache.get(key);
  if (known !== undefined) return known;
  if (offsetCache.size >= OFFSET_CACHE_LIMIT) offsetCache.clear();
  const offset = askOffset(timeZone, at);
  offsetCache.set(key, offset);
  return offset;
}

function askOffset(timeZone: string, at: number): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0; // "GMT" itself
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** Monday 00:00 UTC of the ISO week that contains the instant. */
export function weekStartUtc(at: number): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
}

export function emptyWeek(): Uint32Array {
  return new Uint32Array(WEEK_WORDS);
}

export function setCell(bits: Uint32Array, cell: number): void {
  const c = ((cell % CELLS_PER_WEEK) + CELLS_PER_WEEK) % CELLS_PER_WEEK;
  bits[c >>> 5]! |= 1 << (c & 31);
}

export function hasCell(bits: Uint32Array, cell: number): boolean {
  return ((bits[cell >>> 5]! >>> (cell & 31)) & 1) === 1;
}

/**
 * Offsets are asked of Intl once every this many cells (6 hours), and cell by cell only between two
 * asks that differ: a zone's offset changes at most a few times a year, never twice within hours,
 * so a week costs about forty asks instead of 1,344 (the first ranking after a start built a week
 * map for each of a dozen zones, about 85 ms of its time).
 */
const SAMPLE_CELLS = 24;

/**
 * The zone's offset at each 15-minute cell from `start` (a cell boundary) for `count` cells, equal
 * to asking `utcOffsetMinutes` at every cell.
 */
function offsetsOverCells(timeZone: string, start: number, count: number): Int16Array {
  const cellMs = CELL_MINUTES * MINUTE_MS;
  const offsets = new Int16Array(count);
  let from = 0;
  let before = utcOffsetMinutes(timeZone, start);
  offsets[0] = before;
  while (from < count - 1) {
    const to = Math.min(from + SAMPLE_CELLS, count - 1);
    const after = utcOffsetMinutes(timeZone, start + to * cellMs);
    if (after === before) offsets.fill(after, from + 1, to + 1);
    else for (let c = from + 1; c <= to; c++) offsets[c] = utcOffsetMinutes(timeZone, start + c * cellMs);
    from = to;
    before = after;
  }
  return offsets;
}

/**
 * Where each wall-clock 15-minute cell of a zone's week falls in the UTC week that starts at
 * `weekStart`: entry i is the UTC cell of local cell i (Monday 00:00 local = cell 0), wrapped into
 * the week. Worked out once per zone and week (672 offset look-ups), so turning a person's slots
 * into a bitset is a table look-up per cell: recommendations build hundreds of bitsets per request.
 */
const weekMaps = new Map<string, Int16Array>();
/** Zones × weeks remembered; a server sees a few dozen zones and one or two weeks at a time. */
const WEEK_MAP_LIMIT = 2_000;

export function wallClockCells(timeZone: string, weekStart: number): Int16Array {
  const key = `${timeZone}@${weekStart}`;
  const known = weekMaps.get(key);
  if (known) return known;
  const map = new Int16Array(CELLS_PER_WEEK);
  const cellMs = CELL_MINUTES * MINUTE_MS;
  // Every instant asked below lies within a day of the week (offsets are at most 14 hours).
  const start = weekStart - DAY_CELLS * cellMs;
  const offsets = offsetsOverCells(timeZone, start, CELLS_PER_WEEK + 2 * DAY_CELLS);
  const offsetAt = (at: number) => offsets[Math.floor((at - start) / cellMs)]!;
  for (let local = 0; local < CELLS_PER_WEEK; local++) {
    // The instant the wall clock shows this cell: guess with the offset at the wall-clock time
    // (written as if UTC), then correct with the offset at the guess.
    const localMs = weekStart + local * cellMs;
    const at = localMs - offsetAt(localMs - offsetAt(localMs) * MINUTE_MS) * MINUTE_MS;
    const cell = Math.floor((at - weekStart) / cellMs);
    map[local] = ((cell % CELLS_PER_WEEK) + CELLS_PER_WEEK) % CELLS_PER_WEEK;
  }
  if (weekMaps.size >= WEEK_MAP_LIMIT) weekMaps.clear();
  weekMaps.set(key, map);
  return map;
}

/**
 * Wall-clock weekly slots (ISO day 1-7, slot of `slotMinutes` from local midnight, as in the
 * onboarding schedule step) of a person in `timeZone`, as the UTC bitset of the week that starts
 * at `weekStart` (Monday 00:00 UTC). Cells that fall outside the UTC week wrap around it. This is
 * the one place the product turns weekly slots into UTC time.
 */
export function availabilityBitset(
  slots: readonly { day: number; slot: number }[],
  timeZone: string,
  weekStart: number,
  slotMinutes = 30,
): Uint32Array {
  const bits = emptyWeek();
  const map = wallClockCells(timeZone, weekStart);
  const cellsPerSlot = slotMinutes / CELL_MINUTES;
  for (const { day, slot } of slots) {
    const first = ((day - 1) * 24 * 60 + slot * slotMinutes) / CELL_MINUTES;
    for (let c = 0; c < cellsPerSlot; c++) setCell(bits, map[(first + c) % CELLS_PER_WEEK]!);
  }
  return bits;
}

function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Minutes a week two people are both available. */
export function overlapMinutes(a: Uint32Array, b: Uint32Array): number {
  let cells = 0;
  for (let i = 0; i < WEEK_WORDS; i++) cells += popcount32(a[i]! & b[i]!);
  return cells * CELL_MINUTES;
}

/**
 * Where two people are both available, as [start, end) minutes from the week's start (UTC), in
 * order; a run ends at the week's end (the next week's bitset holds what follows).
 */
export function overlapIntervals(a: Uint32Array, b: Uint32Array): [number, number][] {
  const runs: [number, number][] = [];
  for (let c = 0; c < CELLS_PER_WEEK; c++) {
    if (!(hasCell(a, c) && hasCell(b, c))) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === c * CELL_MINUTES) last[1] += CELL_MINUTES;
    else runs.push([c * CELL_MINUTES, (c + 1) * CELL_MINUTES]);
  }
  return runs;
}

/** The wall-clock day and minute in a zone at a UTC instant. */
export function localTimeOfWeek(at: number, timeZone: string): TimeOfWeek {
  const local = at + utcOffsetMinutes(timeZone, at) * MINUTE_MS;
  const d = new Date(local);
  return { day: ((d.getUTCDay() + 6) % 7) + 1, minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
}

/**
 * The longest runs of cells both people share, longest first (earliest first among equals), each in
 * both people's local time. A run that crosses the end of the week continues at its start.
 */
export function sharedWindows(
  a: Uint32Array,
  b: Uint32Array,
  weekStart: number,
  viewerZone: string,
  partnerZone: string,
  limit = 2,
): SharedWindow[] {
  const both = (c: number) => hasCell(a, c % CELLS_PER_WEEK) && hasCell(b, c % CELLS_PER_WEEK);
  // Start scanning after a free cell, so a run across the week's end is not cut in two.
  let origin = 0;
  while (origin < CELLS_PER_WEEK && both(origin)) origin++;
  if (origin === CELLS_PER_WEEK) origin = 0;
  const runs: { start: number; length: number }[] = [];
  for (let i = 0; i < CELLS_PER_WEEK;) {
    const c = origin + i;
    if (!both(c)) {
      i++;
      continue;
    }
    let length = 0;
    while (i + length < CELLS_PER_WEEK && both(c + length)) length++;
    runs.push({ start: c % CELLS_PER_WEEK, length });
    i += length;
  }
  runs.sort((x, y) => y.length - x.length || x.start - y.start);
  return runs.slice(0, limit).map(({ start, length }) => {
    const from = weekStart + start * CELL_MINUTES * MINUTE_MS;
    const to = from + length * CELL_MINUTES * MINUTE_MS;
    const minutes = length * CELL_MINUTES;
    return {
      minutes,
      viewer: { from: localTimeOfWeek(from, viewerZone), to: localTimeOfWeek(to, viewerZone) },
      partner: { from: localTimeOfWeek(from, partnerZone), to: localTimeOfWeek(to, partnerZone) },
    };
  });
}
