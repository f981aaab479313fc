import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HistoryChart } from '../src/features/level-test/components/charts';

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
