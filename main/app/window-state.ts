// The window comes back where the user left it: bounds and maximised state are saved when it closes and
// restored at start, unless the saved rectangle is no longer mostly on a connected display.
import type { Rectangle } from 'electron';
import type { AppStateRepo } from '../db/app-state-repo';
import { MIN_HEIGHT, MIN_WIDTH } from './window-options';

export interface WindowState { bounds: Rectangle; maximized: boolean }

const KEY = 'window:main';

function isState(v: unknown): v is WindowState {
  const s = v as WindowState | null;
  const b = s?.bounds;
  return typeof s === 'object' && s !== null && typeof s.maximized === 'boolean' && typeof b === 'object' && b !== null
    && [b.x, b.y, b.width, b.height].every((n) => Number.isInteger(n) && Math.abs(n) < 100_000);
}

/** Area of the intersection of two rectangles. */
function overlap(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** The saved bounds if at least half of them is on one of `workAreas`, clamped to the minimum size. */
export function restorableBounds(saved: Rectangle, workAreas: readonly Rectangle[]): Rectangle | null {
  const bounds = { ...saved, width: Math.max(saved.width, MIN_WIDTH), height: Math.max(saved.height, MIN_HEIGHT) };
  const visible = workAreas.some((area) => overlap(bounds, area) >= (bounds.width * bounds.height) / 2);
  return visible ? bounds : null;
}

export function loadWindowState(state: AppStateRepo): WindowState | undefined {
  return state.get(KEY, isState);
}

export function saveWindowState(state: AppStateRepo, value: WindowState): void {
  state.set(KEY, value);
}
