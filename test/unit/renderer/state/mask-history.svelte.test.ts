// The mask editor's state (MaskHistory): strokes, clear and invert as operations, undo/redo over them, the
// brush bounds and the editor's keys.
import { describe, expect, test } from 'vitest';
import { BRUSH_SIZES, MaskHistory } from '../../../../renderer/src/state/mask-history.svelte';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) =>
  ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

function stroke(mask: MaskHistory, ...points: [number, number][]): void {
  mask.beginStroke(...points[0]!);
  for (const p of points.slice(1)) mask.extendStroke(...p);
  mask.endStroke();
}

describe('MaskHistory', () => {
  test('a stroke is shown while drawn and enters the history when it ends, with the brush of its start', () => {
    const mask = new MaskHistory();
    mask.setBrushSize(10);
    mask.beginStroke(1, 2);
    mask.extendStroke(3, 4);
    expect(mask.ops).toEqual([]);
    expect(mask.visible).toEqual([{ kind: 'stroke', erase: false, size: 10, points: [[1, 2], [3, 4]] }]);
    expect(mask.canUndo).toBe(false);
    mask.endStroke();
    expect(mask.current).toBeNull();
    expect(mask.ops).toEqual([{ kind: 'stroke', erase: false, size: 10, points: [[1, 2], [3, 4]] }]);
    mask.erasing = true;
    stroke(mask, [5, 5]);
    expect(mask.ops[1]).toEqual({ kind: 'stroke', erase: true, size: 10, points: [[5, 5]] });
  });

  test('undo and redo walk the history; a new operation drops what was undone', () => {
    const mask = new MaskHistory();
    stroke(mask, [0, 0]);
    mask.invert();
    mask.clear();
    expect(mask.ops.map((o) => o.kind)).toEqual(['stroke', 'invert', 'clear']);
    mask.undo();
    mask.undo();
    expect(mask.ops.map((o) => o.kind)).toEqual(['stroke']);
    expect(mask.canRedo).toBe(true);
    mask.redo();
    expect(mask.ops.map((o) => o.kind)).toEqual(['stroke', 'invert']);
    stroke(mask, [1, 1]);
    expect(mask.canRedo).toBe(false);
    mask.redo();
    expect(mask.ops.map((o) => o.kind)).toEqual(['stroke', 'invert', 'stroke']);
    mask.undo();
    mask.undo();
    mask.undo();
    mask.undo(); // nothing left: no-op
    expect(mask.ops).toEqual([]);
    expect(mask.canUndo).toBe(false);
  });

  test('clear is recorded only when there is something to clear; reset forgets everything but the brush', () => {
    const mask = new MaskHistory();
    mask.clear();
    expect(mask.ops).toEqual([]);
    stroke(mask, [0, 0]);
    mask.clear();
    mask.clear();
    expect(mask.ops.map((o) => o.kind)).toEqual(['stroke', 'clear']);
    mask.setBrushSize(40);
    mask.undo();
    mask.reset();
    expect([mask.ops, mask.canUndo, mask.canRedo, mask.brushSize]).toEqual([[], false, false, 40]);
  });

  test('brush size stays within its bounds', () => {
    const mask = new MaskHistory();
    mask.setBrushSize(0);
    expect(mask.brushSize).toBe(BRUSH_SIZES.min);
    mask.setBrushSize(10_000);
    expect(mask.brushSize).toBe(BRUSH_SIZES.max);
    mask.setBrushSize(12.6);
    expect(mask.brushSize).toBe(13);
  });

  test('keys: [ ] size, E eraser, B brush, I invert, Ctrl/Cmd+Z undo, Ctrl+Shift+Z and Ctrl+Y redo; others are left alone', () => {
    const mask = new MaskHistory();
    const size = mask.brushSize;
    expect(mask.handleKey(key(']'))).toBe(true);
    expect(mask.brushSize).toBe(size + BRUSH_SIZES.step);
    expect(mask.handleKey(key('['))).toBe(true);
    expect(mask.brushSize).toBe(size);
    expect(mask.handleKey(key('E'))).toBe(true);
    expect(mask.erasing).toBe(true);
    expect(mask.handleKey(key('b'))).toBe(true);
    expect(mask.erasing).toBe(false);
    stroke(mask, [0, 0]);
    expect(mask.handleKey(key('i'))).toBe(true);
    expect(mask.ops.map((o) => o.kind)).toEqual(['stroke', 'invert']);
    expect(mask.handleKey(key('z', { ctrlKey: true }))).toBe(true);
    expect(mask.handleKey(key('z', { metaKey: true }))).toBe(true);
    expect(mask.ops).toEqual([]);
    expect(mask.handleKey(key('Z', { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(mask.handleKey(key('y', { ctrlKey: true }))).toBe(true);
    expect(mask.ops.map((o) => o.kind)).toEqual(['stroke', 'invert']);
    expect(mask.handleKey(key('x'))).toBe(false);
    expect(mask.handleKey(key('c', { ctrlKey: true }))).toBe(false); // copy stays copy
    expect(mask.handleKey(key('e', { altKey: true }))).toBe(false);
    expect(mask.erasing).toBe(false);
  });
});
