// Replaying the mask editor's operations (state/mask-history.svelte.ts) onto a canvas at the picture's size:
// painted = opaque white, unpainted = transparent, so the same canvas shows over the picture and, drawn on
// black, is the mask the app stores (white = repaint).
import type { MaskOp } from '../state/mask-history.svelte';

type Context = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

function stroke(ctx: Context, op: Extract<MaskOp, { kind: 'stroke' }>): void {
  ctx.save();
  ctx.globalCompositeOperation = op.erase ? 'destination-out' : 'source-over';
  ctx.strokeStyle = '#ffffff';
  ctx.fillStyle = '#ffffff';
  ctx.lineWidth = op.size;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  const [first, ...rest] = op.points;
  if (first) {
    if (rest.length === 0) {
      ctx.beginPath();
      ctx.arc(first[0], first[1], op.size / 2, 0, Math.PI * 2);
      ctx.fill();
    } else {
      ctx.beginPath();
      ctx.moveTo(first[0], first[1]);
      for (const [x, y] of rest) ctx.lineTo(x, y);
      ctx.stroke();
    }
  }
  ctx.restore();
}

function invert(ctx: Context, width: number, height: number): void {
  const pixels = ctx.getImageData(0, 0, width, height);
  const d = pixels.data;
  for (let i = 0; i < d.length; i += 4) {
    d[i] = 255;
    d[i + 1] = 255;
    d[i + 2] = 255;
    d[i + 3] = 255 - d[i + 3]!;
  }
  ctx.putImageData(pixels, 0, 0);
}

/** A stored mask (white = repaint on black) as the editor's layer: its brightness becomes the coverage. */
function loadImage(ctx: Context, image: CanvasImageSource, width: number, height: number): void {
  ctx.clearRect(0, 0, width, height);
  ctx.drawImage(image, 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height);
  const d = pixels.data;
  for (let i = 0; i < d.length; i += 4) {
    d[i + 3] = d[i]!;
    d[i] = 255;
    d[i + 1] = 255;
    d[i + 2] = 255;
  }
  ctx.putImageData(pixels, 0, 0);
}

export function renderMask(ctx: Context, ops: readonly MaskOp[], width: number, height: number): void {
  ctx.clearRect(0, 0, width, height);
  for (const op of ops) {
    switch (op.kind) {
      case 'stroke': stroke(ctx, op); break;
      case 'clear': ctx.clearRect(0, 0, width, height); break;
      case 'invert': invert(ctx, width, height); break;
      case 'image': loadImage(ctx, op.image, width, height); break;
    }
  }
}

/** True when any pixel is painted. */
export function maskHasPaint(ctx: Context, width: number, height: number): boolean {
  const d = ctx.getImageData(0, 0, width, height).data;
  for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) return true;
  return false;
}

/** The mask as the app stores it: a PNG, white = repaint on black, at the picture's size. */
export async function maskPng(mask: HTMLCanvasElement): Promise<Blob> {
  const out = document.createElement('canvas');
  out.width = mask.width;
  out.height = mask.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#000000';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(mask, 0, 0);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('The mask could not be encoded.'))), 'image/png'));
}
