import { describe, expect, it } from 'vitest';
import { dayRanges, slotTime } from '../src/lib/slots';

describe('weekly slots as people read them', () => {
  it('prints slot start times, with the end of the day as 24:00', () => {
    expect(slotTime(0)).toBe('00:00');
    expect(slotTime(19)).toBe('09:30');
    expect(slotTime(47)).toBe('23:30');
    expect(slotTime(48)).toBe('24:00');
  });

  it('merges neighbouring slots of one day into ranges and keeps gaps apart', () => {
    const slots = [38, 20, 39, 21, 46, 47].map((slot) => ({ day: 3, slot }));
    slots.push({ day: 4, slot: 22 });
    expect(dayRanges(slots, 3)).toEqual([
      { from: 20, to: 22 },
      { from: 38, to: 40 },
      { from: 46, to: 48 },
    ]);
    expect(dayRanges(slots, 1)).toEqual([]);
  });
});
