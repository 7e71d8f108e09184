// The inpainting mask as the user paints it: a list of operations (brush and eraser strokes in the picture's
// pixels, clear, invert) replayed onto a canvas (lib/mask-render.ts), with undo/redo over that list and the
// brush settings and keyboard shortcuts of the mask editor (and a stored mask loaded as one operation). Operations, not pixel snapshots: undo is exact,
// and the history costs a few numbers per stroke instead of a picture per step.

export type MaskOp =
  | { readonly kind: 'stroke'; readonly erase: boolean; readonly size: number; readonly points: readonly (readonly [number, number])[] }
  | { readonly kind: 'clear' }
  | { readonly kind: 'invert' }
  /** A stored mask painted again (reuse of an inpainting's parameters): replaces what was there. */
  | { readonly kind: 'image'; readonly image: CanvasImageSource };

export const BRUSH_SIZES = { min: 1, max: 256, step: 4, initial: 24 } as const;

export class MaskHistory {
  /** Applied operations, oldest first. */
  ops = $state.raw<readonly MaskOp[]>([]);
  /** Undone operations, the next redo last. */
  #undone = $state.raw<readonly MaskOp[]>([]);
  brushSize = $state<number>(BRUSH_SIZES.initial);
  erasing = $state(false);
  /** The stroke being drawn (not in the history until it ends). */
  current = $state.raw<MaskOp | null>(null);

  canUndo = $derived(this.ops.length > 0);
  canRedo = $derived(this.#undone.length > 0);

  /** What the canvas shows: the history plus the stroke in progress. */
  visible = $derived(this.current ? [...this.ops, this.current] : this.ops);

  push(op: MaskOp): void {
    this.ops = [...this.ops, op];
    this.#undone = [];
  }

  beginStroke(x: number, y: number): void {
    this.current = { kind: 'stroke', erase: this.erasing, size: this.brushSize, points: [[x, y]] };
  }

  extendStroke(x: number, y: number): void {
    const c = this.current;
    if (c?.kind !== 'stroke') return;
    this.current = { ...c, points: [...c.points, [x, y]] };
  }

  endStroke(): void {
    const c = this.current;
    this.current = null;
    if (c) this.push(c);
  }

  clear(): void {
    const last = this.ops[this.ops.length - 1];
    if (this.ops.length > 0 && last?.kind !== 'clear') this.push({ kind: 'clear' });
  }

  invert(): void {
    this.push({ kind: 'invert' });
  }

  undo(): void {
    const last = this.ops[this.ops.length - 1];
    if (!last) return;
    this.ops = this.ops.slice(0, -1);
    this.#undone = [...this.#undone, last];
  }

  redo(): void {
    const next = this.#undone[this.#undone.length - 1];
    if (!next) return;
    this.#undone = this.#undone.slice(0, -1);
    this.ops = [...this.ops, next];
  }

  /** A new picture: nothing painted, nothing to undo (the brush settings stay). */
  reset(): void {
    this.ops = [];
    this.#undone = [];
    this.current = null;
  }

  setBrushSize(size: number): void {
    this.brushSize = Math.min(BRUSH_SIZES.max, Math.max(BRUSH_SIZES.min, Math.round(size)));
  }

  /**
   * The editor's keys: [ and ] brush size, E eraser, B brush, I invert, Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z
   * or Ctrl+Y redo. True when the key was one of them (the caller then prevents its default).
   */
  handleKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }): boolean {
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (e.altKey) return false;
    if (mod && key === 'z') {
      if (e.shiftKey) this.redo();
      else this.undo();
      return true;
    }
    if (mod && key === 'y') {
      this.redo();
      return true;
    }
    if (mod) return false;
    if (key === '[') this.setBrushSize(this.brushSize - BRUSH_SIZES.step);
    else if (key === ']') this.setBrushSize(this.brushSize + BRUSH_SIZES.step);
    else if (key === 'e') this.erasing = true;
    else if (key === 'b') this.erasing = false;
    else if (key === 'i') this.invert();
    else return false;
    return true;
  }
}
