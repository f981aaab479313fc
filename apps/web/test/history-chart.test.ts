import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HistoryChart } from '../src/features/level-test/components/charts';
import { levelTimeAxis } from '../src/features/progress/components/level-axis';

describe('the level-history chart', () => {
  it('puts each level label on its own grid line', () => {
    const svg = renderToStaticMarkup(
      createElement(HistoryChart, {
        title: 'Levels',
        points: [
          { when: '2026-11-01T00:00:00Z', label: '11/1', score: 3.5 },
          { when: '2026-12-01T00:00:00Z', label: '12/1', score: 4.5 },
        ],
      }),
    );
    const lines = new Map([...svg.matchAll(/<line[^>]*y1="([\d.]+)"[^>]*data-level="(\w+)"/g)].map((m) => [m[2], Number(m[1])]));
    const labels = new Map(
      [...svg.matchAll(/<text[^>]*y="([\d.]+)"[^>]*dominant-baseline="middle"[^>]*data-level="(\w+)"[^>]*>/g)].map((m) => [
        m[2],
        Number(m[1]),
      ]),
    );
    expect([...lines.keys()]).toEqual(['A1', 'A2', 'B1', 'B2', 'C1', 'C2']);
    expect(labels).toEqual(lines);
    // A point scored in the middle of B1 sits on B1's line.
    const dot = /<circle cx="[\d.]+" cy="([\d.]+)"/.exec(svg)!;
    expect(Number(dot[1])).toBe(lines.get('B1'));
  });
});

describe('the level chart on the home and statistics pages: its time axis', () => {
  const at = (iso: string) => Date.parse(iso) / 1000;
  const DAY = 86_400;

  it('puts one test on its own day, in a week around it, not across the following years', () => {
    const x = at('2026-12-08T00:40:00Z');
    const axis = levelTimeAxis([x], 'ko', 'Asia/Seoul');
    expect(axis.labels).toEqual(['12월 8일']);
    expect(axis.splits).toEqual([x]);
    expect(axis.range[0]).toBeLessThan(x);
    expect(axis.range[1]).toBeGreaterThan(x);
    expect(axis.range[1] - axis.range[0]).toBe(7 * DAY);
    expect(levelTimeAxis([x], 'en', 'Europe/London').labels).toEqual(['8 Dec']);
  });

  it('labels a few days of tests with their dates, and adds the year only when they span two', () => {
    const days = ['2026-12-01T10:00:00Z', '2026-12-03T10:00:00Z', '2026-12-08T10:00:00Z'].map(at);
    const axis = levelTimeAxis(days, 'en', 'UTC');
    expect(axis.labels).toEqual(['1 Dec', '3 Dec', '8 Dec']);
    expect(axis.range[0]).toBeLessThan(days[0]!);
    expect(axis.range[1]).toBeGreaterThan(days[2]!);
    expect(axis.range[1] - axis.range[0]).toBeLessThan(14 * DAY);
    expect(levelTimeAxis([at('2025-12-20T10:00:00Z'), at('2026-12-08T10:00:00Z')], 'en', 'UTC').labels).toEqual([
      '20 Dec 2025',
      '8 Dec 2026',
    ]);
  });

  it('keeps one label per day and drops labels that would collide', () => {
    const xs = [at('2026-01-01T01:00:00Z'), at('2026-01-01T05:00:00Z'), at('2026-01-02T05:00:00Z'), at('2026-12-01T05:00:00Z')];
    expect(levelTimeAxis(xs, 'en', 'UTC').labels).toEqual(['1 Jan', '1 Dec']);
  });
});
