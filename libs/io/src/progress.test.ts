import { PassThrough } from 'stream';
import { progressBar } from './progress';

function capture(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean; columns?: number }; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number; cursorTo?: unknown };
  stream.isTTY = isTTY;
  let out = '';
  stream.on('data', (d) => (out += d.toString()));
  return { stream, text: () => out };
}

describe('progressBar', () => {
  it('off a TTY prints a few percentage lines, each once', () => {
    const { stream, text } = capture(false);
    const bar = progressBar('read train.csv', 1000, { stream });
    for (let i = 0; i <= 1000; i += 10) bar.update(i);
    bar.stop();
    bar.stop();
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.replace(/, [\d.]+s\)$/, ')'))).toEqual([
      'read train.csv: 25% (250/1000)',
      'read train.csv: 50% (500/1000)',
      'read train.csv: 75% (750/1000)',
      'read train.csv: 100% (1000/1000)',
    ]);
  });

  it('honours steps, increment, and reports 100% on stop even when short', () => {
    const { stream, text } = capture(false);
    const bar = progressBar('fit', 10, { stream, steps: 2 });
    bar.increment(3);
    expect(text()).toBe('');
    bar.increment(2);
    expect(text()).toMatch(/^fit: 50% \(5\/10/);
    bar.stop();
    expect(text().trim().split('\n')).toHaveLength(2);
    expect(text()).toMatch(/fit: 100% \(10\/10/);
  });

  it('on a TTY draws a cli-progress bar to the given stream', () => {
    const { stream, text } = capture(true);
    (stream as unknown as { cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean }).cursorTo = () => true;
    (stream as unknown as { clearLine: () => boolean }).clearLine = () => true;
    (stream as unknown as { moveCursor: () => boolean }).moveCursor = () => true;
    const bar = progressBar('epoch', 4, { stream });
    bar.update(2);
    bar.stop();
    expect(text()).toMatch(/epoch \[.*\] 100% \| 4\/4/);
  });
});
