// A small SVG writer for the frontier plot: speed-up on x, PSNR vs the baseline on y, the plain sampler at
// fewer steps as a line of labelled dots, each acceleration mode as a labelled marker. Plain text out, no
// dependencies; the numbers are rounded so the file diffs well when a run is repeated.

export interface PlotPoint {
  readonly x: number;
  readonly y: number;
  readonly label: string;
}

export interface FrontierPlot {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** The plain-sampler curve (drawn as a line through its points in the order given: by step count). */
  readonly line: readonly PlotPoint[];
  readonly lineName: string;
  /** One marker per accelerated run. */
  readonly points: readonly PlotPoint[];
  readonly pointsName: string;
}

const W = 720;
const H = 480;
const M = { left: 64, right: 24, top: 44, bottom: 56 };

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round tick values (1, 2 or 5 × 10^k apart) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toFixed(10)));
  return ticks;
}

const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

export function frontierSvg(plot: FrontierPlot): string {
  const all = [...plot.line, ...plot.points];
  if (all.length === 0) throw new Error('frontierSvg: nothing to plot');
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xTicks = niceTicks(Math.min(1, ...xs), Math.max(...xs));
  const yTicks = niceTicks(Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys)));
  const [x0, x1] = [Math.min(xTicks[0]!, ...xs), Math.max(xTicks[xTicks.length - 1]!, ...xs)];
  const [y0, y1] = [Math.min(yTicks[0]!, ...ys), Math.max(yTicks[yTicks.length - 1]!, ...ys)];
  const px = (x: number): number => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number): number => H - M.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(plot.title)}</text>`);
  for (const t of xTicks) {
    out.push(`<line x1="${r1(px(t))}" y1="${M.top}" x2="${r1(px(t))}" y2="${H - M.bottom}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${r1(px(t))}" y="${H - M.bottom + 16}" text-anchor="middle">${t}×</text>`);
  }
  for (const t of yTicks) {
    out.push(`<line x1="${M.left}" y1="${r1(py(t))}" x2="${W - M.right}" y2="${r1(py(t))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 6}" y="${r1(py(t) + 4)}" text-anchor="end">${t}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 16}" text-anchor="middle" font-size="12">${escapeXml(plot.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(plot.yLabel)}</text>`);

  const line = plot.line;
  if (line.length > 1) {
    out.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${line.map((p) => `${r1(px(p.x))},${r1(py(p.y))}`).join(' ')}"/>`);
  }
  for (const p of line) {
    out.push(`<circle cx="${r1(px(p.x))}" cy="${r1(py(p.y))}" r="2.5" fill="#1f77b4"><title>${escapeXml(`${p.label}: ${p.x.toFixed(2)}×, ${p.y.toFixed(1)} dB`)}</title></circle>`);
    out.push(`<text x="${r1(px(p.x))}" y="${r1(py(p.y) - 6)}" text-anchor="middle" font-size="9" fill="#1f77b4">${escapeXml(p.label)}</text>`);
  }
  for (const p of plot.points) {
    const [cx, cy] = [px(p.x), py(p.y)];
    out.push(`<path d="M${r1(cx)} ${r1(cy - 6)} L${r1(cx + 6)} ${r1(cy)} L${r1(cx)} ${r1(cy + 6)} L${r1(cx - 6)} ${r1(cy)} Z" fill="#d62728"><title>${escapeXml(`${p.label}: ${p.x.toFixed(2)}×, ${p.y.toFixed(1)} dB`)}</title></path>`);
    out.push(`<text x="${r1(cx + 9)}" y="${r1(cy + 4)}" font-size="11" font-weight="bold" fill="#d62728">${escapeXml(p.label)}</text>`);
  }
  // Legend, top right.
  const lx = W - M.right - 190;
  out.push(`<line x1="${lx}" y1="${M.top + 14}" x2="${lx + 20}" y2="${M.top + 14}" stroke="#1f77b4" stroke-width="1.5"/>`);
  out.push(`<text x="${lx + 26}" y="${M.top + 18}">${escapeXml(plot.lineName)}</text>`);
  out.push(`<path d="M${lx + 10} ${M.top + 26} L${lx + 16} ${M.top + 32} L${lx + 10} ${M.top + 38} L${lx + 4} ${M.top + 32} Z" fill="#d62728"/>`);
  out.push(`<text x="${lx + 26}" y="${M.top + 36}">${escapeXml(plot.pointsName)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
