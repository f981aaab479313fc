const DAY_S = 86_400;

/**
 * The time axis of the level chart, in seconds: a range around the tests (a week around one test
 * or a few close together, where an automatic range once spread a single December test over
 * 2027-2029), and ticks at the tests' own days, thinned so labels do not collide, written as dates
 * (with the year only when the tests span more than one).
 */
export function levelTimeAxis(xs: number[], language: 'ko' | 'en', timeZone?: string) {
  if (!xs.length) return { range: [0, DAY_S] as [number, number], splits: [] as number[], labels: [] as string[] };
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const span = max - min;
  let range: [number, number];
  if (span < 6 * DAY_S) {
    const middle = (min + max) / 2;
    range = [middle - 3.5 * DAY_S, middle + 3.5 * DAY_S];
  } else {
    const pad = Math.max(span * 0.06, DAY_S / 2);
    range = [min - pad, max + pad];
  }
  const year = (x: number) => new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(new Date(x * 1000));
  const withYear = year(min) !== year(max);
  const format = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'ko-KR', {
    timeZone,
    month: 'short',
    day: 'numeric',
    ...(withYear ? { year: 'numeric' } : {}),
  });
  const gap = (range[1] - range[0]) / 5;
  const splits: number[] = [];
  const labels: string[] = [];
  for (const x of [...xs].sort((a, b) => a - b)) {
    const label = format.format(new Date(x * 1000));
    if (labels.at(-1) === label || (splits.length && x - splits.at(-1)! < gap)) continue;
    splits.push(x);
    labels.push(label);
  }
  return { range, splits, labels };
}
