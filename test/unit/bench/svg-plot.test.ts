// The frontier plot's SVG: well-formed, every point drawn and labelled, the plain curve as one polyline,
// labels escaped, axes on round ticks.
import { describe, expect, it } from 'vitest';
import { escapeXml, frontierSvg, niceTicks } from '../../../bench/svg-plot';

describe('niceTicks', () => {
  it('uses steps of 1, 2 or 5 × 10^k covering the range', () => {
    expect(niceTicks(1, 8)).toEqual([2, 4, 6, 8]);
    expect(niceTicks(20, 50)).toEqual([20, 25, 30, 35, 40, 45, 50]);
    expect(niceTicks(0.9, 2.3)).toEqual([1, 1.5, 2]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});

describe('frontierSvg', () => {
  const plot = {
    title: 'demo: ddim 30 <test>', xLabel: 'speed-up', yLabel: 'PSNR (dB)', lineName: 'ddim with fewer steps', pointsName: 'modes',
    line: [{ x: 1.5, y: 40, label: '20' }, { x: 3, y: 32, label: '10' }, { x: 7.5, y: 22, label: '4' }],
    points: [{ x: 2.5, y: 34, label: 'cached' }, { x: 3.9, y: 28.5, label: 'dato & co' }],
  };
  const svg = frontierSvg(plot);

  it('is one svg element with the plain curve as a polyline through its points in step order', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const polylines = [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)];
    expect(polylines).toHaveLength(1);
    const xs = polylines[0]![1]!.split(' ').map((p) => Number(p.split(',')[0]));
    expect(xs).toHaveLength(3);
    expect(xs[0]!).toBeLessThan(xs[1]!);
    expect(xs[1]!).toBeLessThan(xs[2]!);
  });

  it('draws and labels every point, escaping text', () => {
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg.match(/<path d="M[^"]*Z" fill="#d62728"><title>/g)).toHaveLength(2);
    for (const label of ['>20<', '>10<', '>4<', '>cached<', '>dato &amp; co<']) expect(svg).toContain(label);
    expect(svg).toContain('demo: ddim 30 &lt;test&gt;');
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('puts a higher PSNR higher on the page and a larger speed-up further right', () => {
    const at = (label: string) => {
      const m = new RegExp(`<text x="([\\d.]+)" y="([\\d.]+)"[^>]*>${label}</text>`).exec(svg)!;
      return { x: Number(m[1]), y: Number(m[2]) };
    };
    expect(at('cached').y).toBeLessThan(at('dato &amp; co').y);
    expect(at('cached').x).toBeLessThan(at('dato &amp; co').x);
  });

  it('refuses an empty plot', () => {
    expect(() => frontierSvg({ ...plot, line: [], points: [] })).toThrow();
    expect(escapeXml('a<b & "c"')).toBe('a&lt;b &amp; &quot;c&quot;');
  });
});
