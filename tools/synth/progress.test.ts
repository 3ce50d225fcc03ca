import { formatDuration, synthProgress } from './progress';

function sink() {
  const lines: string[] = [];
  return { lines, stream: Object.assign(Object.create(null), { isTTY: false, write: (s: string) => (lines.push(s.trimEnd()), true) }) };
}

describe('synthProgress off a terminal', () => {
  it('prints a line at every 10% and at least every interval, each with the percentage and an ETA', () => {
    let t = 0;
    const { lines, stream } = sink();
    const bar = synthProgress('hms recordings', 100, { stream, intervalSeconds: 30, now: () => t });
    t = 5000;
    bar.increment(5); // 5%: no line yet
    expect(lines).toEqual([]);
    t = 10_000;
    bar.increment(5); // 10%
    expect(lines).toEqual(['hms recordings: 10% (10/100), 10s so far, eta 1m30s']);
    t = 41_000;
    bar.increment(1); // 31 s since the last line
    expect(lines[1]).toBe('hms recordings: 11% (11/100), 41s so far, eta 5m32s');
    t = 400_000;
    bar.update(100);
    expect(lines[2]).toBe('hms recordings: 100% (100/100), 6m40s so far, done');
    bar.stop();
    expect(lines).toHaveLength(3);
  });

  it('counts the units of a resumed build as done but leaves them out of the rate', () => {
    let t = 0;
    const { lines, stream } = sink();
    const bar = synthProgress('x', 100, { stream, start: 50, now: () => t });
    expect(lines).toEqual(['x: 50% (50/100), 0s so far, eta ?']);
    t = 10_000;
    bar.increment(10);
    expect(lines[1]).toBe('x: 60% (60/100), 10s so far, eta 40s');
    bar.stop(); // stopped early: says where
    expect(lines[2]).toBe('x: 60% (60/100), 10s so far, eta 40s');
  });
});

it('formats durations', () => {
  expect(formatDuration(42.4)).toBe('42s');
  expect(formatDuration(125)).toBe('2m05s');
  expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h07m');
  expect(formatDuration(NaN)).toBe('?');
});
