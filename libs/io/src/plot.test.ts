import { heatmapSvg, lineChartSvg } from './plot';

describe('lineChartSvg', () => {
  it('draws one polyline per series, with a legend, skipping non-finite points', () => {
    const svg = lineChartSvg(
      [
        { name: 'train loss', y: [1, 0.5, 0.25] },
        { name: 'valid loss', y: [1.2, NaN, 0.4] },
      ],
      { title: 'Learning curve', xLabel: 'epoch' },
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('>train loss<');
    expect(svg).toContain('>valid loss<');
    const valid = svg.match(/<polyline[^>]*points="([^"]+)"/g)![1];
    expect(valid.split(' ').filter((p) => p.includes(',')).length).toBe(2);
  });

  it('puts larger values higher up', () => {
    const svg = lineChartSvg([{ name: 'a', y: [0, 10] }], { title: 't' });
    const [, p1, p2] = /points="([\d.]+),([\d.]+) /.exec(svg)!.map(Number);
    const second = /points="[\d.]+,[\d.]+ [\d.]+,([\d.]+)"/.exec(svg)!;
    expect(p1).toBeGreaterThan(0);
    expect(Number(second[1])).toBeLessThan(p2);
  });

  it('refuses a chart with nothing to plot', () => {
    expect(() => lineChartSvg([{ name: 'a', y: [NaN] }], { title: 'empty' })).toThrow(/'empty' has no finite points/);
  });
});

describe('heatmapSvg', () => {
  it('writes every count and checks the shape', () => {
    const svg = heatmapSvg([5, 1, 0, 7], { title: 'Confusion', rowLabels: ['0', '1'], colLabels: ['0', '1'] });
    for (const v of ['>5<', '>1<', '>0<', '>7<']) expect(svg).toContain(v);
    expect(() => heatmapSvg([1, 2, 3], { title: 'x', rowLabels: ['a', 'b'], colLabels: ['a', 'b'] })).toThrow(
      /expected 2 x 2 = 4 values, received 3/,
    );
  });
});
