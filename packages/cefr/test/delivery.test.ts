import { describe, expect, it } from 'vitest';
import { deliveryLevel, measureDelivery } from '../src/index.js';

/** Nuclei at a steady pace: `count` syllables, `gap` seconds apart, from `from`. */
const steady = (count: number, gap: number, from = 0.3) =>
  Array.from({ length: count }, (_, i) => Math.round((from + i * gap) * 1000) / 1000);

describe('delivery from the audio', () => {
  it('reads silence between voice segments: the same syllables with longer silences score lower', () => {
    const syllableTimes = steady(40, 0.22);
    const end = syllableTimes[syllableTimes.length - 1]! + 0.15;
    const oneRun = measureDelivery([{ syllableTimes, voiceSegments: [{ start: 0.2, end }], allottedSec: 10 }]);
    // Four silences of 0.4 s inside the same span (the nuclei fall in the voiced parts).
    const cut = [2.0, 4.0, 6.0, 8.0];
    const segments = [{ start: 0.2, end: 1.8 }, ...cut.map((c, i) => ({ start: c + 0.2, end: cut[i + 1] ? cut[i + 1]! - 0.2 : end }))];
    const broken = measureDelivery([{ syllableTimes, voiceSegments: segments, allottedSec: 10 }]);
    expect(oneRun.silencePer10).toBe(0);
    expect(broken.silencePer10).toBeCloseTo((10 * 4 * 0.4) / 40, 5);
    expect(deliveryLevel(broken)).toBeLessThan(deliveryLevel(oneRun));
  });

  it('reads a slower pace inside runs as less fluent', () => {
    const brisk = measureDelivery([{ syllableTimes: steady(30, 0.2), allottedSec: 8 }]);
    const slow = measureDelivery([{ syllableTimes: steady(30, 0.32), allottedSec: 8 }]);
    expect(brisk.runGapSec).toBeCloseTo(0.2, 5);
    expect(deliveryLevel(slow)).toBeLessThan(deliveryLevel(brisk));
  });

  it('without voice segments, silence is unknown and read at its mean', () => {
    const f = measureDelivery([{ syllableTimes: steady(30, 0.22), allottedSec: 8 }]);
    expect(Number.isNaN(f.silencePer10)).toBe(true);
    expect(Number.isFinite(deliveryLevel(f))).toBe(true);
  });

  it('a learner who says far less than the prompt asks comes out low, however fluent the little said', () => {
    const syllableTimes = steady(20, 0.2);
    const voiceSegments = [{ start: 0.2, end: 4.4 }];
    const asked = deliveryLevel(measureDelivery([{ syllableTimes, voiceSegments, allottedSec: 5 }]));
    const short = deliveryLevel(measureDelivery([{ syllableTimes, voiceSegments, allottedSec: 60 }]));
    expect(asked).toBeGreaterThanOrEqual(4);
    expect(short).toBeLessThan(2);
  });
});
