// The demo model's quality yardstick (resources/models/demo-shapes-sd1/README.md, "Quality metric"):
// does the image have the background colour and the shape colour its caption asks for? Colours are read
// back from the pixels: a plane fitted to the border gives the background (the engine's fit, shared with
// the calibration's colour term), pixels far off the plane the shape.
import { backgroundPlane, FOREGROUND_DISTANCE, type Rgb } from '../main/engine/accel/foreground-colour';

export type { Rgb };

export interface ColourReading { readonly background: string; readonly shape: string | null }

const dist = (a: Rgb, b: Rgb): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

function nearest(palette: ReadonlyMap<string, Rgb>, c: Rgb): [string, number] {
  let best = ''; let bestD = Infinity;
  for (const [name, p] of palette) { const d = dist(p, c); if (d < bestD) { best = name; bestD = d; } }
  return [best, bestD];
}

export function readColours(rgb: Uint8Array, width: number, height: number, palette: ReadonlyMap<string, Rgb>): ColourReading {
  const at = (x: number, y: number): Rgb => [rgb[(y * width + x) * 3]!, rgb[(y * width + x) * 3 + 1]!, rgb[(y * width + x) * 3 + 2]!];
  const plane = backgroundPlane(rgb, width, height);
  const [background] = nearest(palette, plane.centre);

  const counts = new Map<string, number>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = at(x, y);
      if (dist(c, plane.at(x, y)) <= FOREGROUND_DISTANCE) continue;
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
