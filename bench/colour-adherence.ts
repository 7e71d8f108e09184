// The demo model's quality yardstick (resources/models/demo-shapes-sd1/README.md, "Quality metric"):
// does the image have the background colour and the shape colour its caption asks for? Colours are read
// back from the pixels: a plane fitted to the border gives the background, off-plane pixels the shape.

export type Rgb = readonly [number, number, number];

export interface ColourReading { readonly background: string; readonly shape: string | null }

const dist = (a: Rgb, b: Rgb): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

function nearest(palette: ReadonlyMap<string, Rgb>, c: Rgb): [string, number] {
  let best = ''; let bestD = Infinity;
  for (const [name, p] of palette) { const d = dist(p, c); if (d < bestD) { best = name; bestD = d; } }
  return [best, bestD];
}

/** Least squares of rgb ≈ c0 + c1·u + c2·v over the given pixels (3×3 normal equations per channel). */
function fitPlane(px: readonly { u: number; v: number; rgb: Rgb }[]): Rgb[] {
  const m = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const r = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (const p of px) {
    const f = [1, p.u, p.v];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) m[i]![j]! += f[i]! * f[j]!;
      for (let k = 0; k < 3; k++) r[i]![k]! += f[i]! * p.rgb[k]!;
    }
  }
  const inv = invert3(m);
  return [0, 1, 2].map((i) => [0, 1, 2].map((k) => inv[i]![0]! * r[0]![k]! + inv[i]![1]! * r[1]![k]! + inv[i]![2]! * r[2]![k]!) as unknown as Rgb);
}

function invert3(a: number[][]): number[][] {
  const [[p, q, r], [s, t, u], [v, w, x]] = a as [[number, number, number], [number, number, number], [number, number, number]];
  const det = p * (t * x - u * w) - q * (s * x - u * v) + r * (s * w - t * v);
  return [
    [(t * x - u * w) / det, (r * w - q * x) / det, (q * u - r * t) / det],
    [(u * v - s * x) / det, (p * x - r * v) / det, (r * s - p * u) / det],
    [(s * w - t * v) / det, (q * v - p * w) / det, (p * t - q * s) / det],
  ];
}

export function readColours(rgb: Uint8Array, width: number, height: number, palette: ReadonlyMap<string, Rgb>): ColourReading {
  const at = (x: number, y: number): Rgb => [rgb[(y * width + x) * 3]!, rgb[(y * width + x) * 3 + 1]!, rgb[(y * width + x) * 3 + 2]!];
  const coord = (x: number, y: number) => ({ u: (2 * x) / (width - 1) - 1, v: (2 * y) / (height - 1) - 1 });
  const border = Math.max(2, Math.floor(height / 16));
  const edge: { u: number; v: number; rgb: Rgb }[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x < border || y < border || x >= width - border || y >= height - border) edge.push({ ...coord(x, y), rgb: at(x, y) });
    }
  }
  const predict = (plane: Rgb[], u: number, v: number): Rgb =>
    [0, 1, 2].map((k) => plane[0]![k]! + plane[1]![k]! * u + plane[2]![k]! * v) as unknown as Rgb;
  let plane = fitPlane(edge);
  for (let round = 0; round < 2; round++) { // drop the 30 % worst-fitting border pixels, refit; twice
    const ranked = edge.map((p) => ({ p, r: dist(p.rgb, predict(plane, p.u, p.v)) })).sort((a, b) => a.r - b.r);
    plane = fitPlane(ranked.slice(0, Math.ceil(ranked.length * 0.7)).map((e) => e.p));
  }
  const [background] = nearest(palette, plane[0]!);

  const counts = new Map<string, number>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const { u, v } = coord(x, y);
      const c = at(x, y);
      if (dist(c, predict(plane, u, v)) <= 60) continue;
      const [name, d] = nearest(palette, c);
      if (d <= 75 && name !== background) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  let shape: string | null = null;
  let most = 0;
  for (const [name, n] of counts) if (n > most) { shape = name; most = n; }
  if (most < Math.max(8, 0.004 * width * height)) shape = null;
  return { background, shape };
}
