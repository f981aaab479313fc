import { SLOTS_PER_DAY, type WeeklySlot } from '@studymate/contracts';

/** Merges a day's slots into ranges: [18, 19, 20] → [{ from: 18, to: 21 }] (end exclusive). */
export function dayRanges(slots: WeeklySlot[], day: number): { from: number; to: number }[] {
  const daySlots = slots
    .filter((s) => s.day === day)
    .map((s) => s.slot)
    .sort((a, b) => a - b);
  const ranges: { from: number; to: number }[] = [];
  for (const slot of daySlots) {
    const last = ranges[ranges.length - 1];
    if (last && last.to === slot) last.to = slot + 1;
    else ranges.push({ from: slot, to: slot + 1 });
  }
  return ranges;
}

/** Start time of a 30-minute slot as HH:MM; slot 48 (the end of the last one) reads 24:00. */
export function slotTime(slot: number): string {
  if (slot === SLOTS_PER_DAY) return '24:00';
  const minutes = slot * 30;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
