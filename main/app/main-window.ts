// The one window: created from createMainWindowOptions(), placed where it was last time, shown when the UI
// has painted, bounds saved when it closes.
import { BrowserWindow, screen } from 'electron';
import type { AppStateRepo } from '../db/app-state-repo';
import { APP_INDEX_URL } from './protocols';
import { createMainWindowOptions } from './window-options';
import { loadWindowState, restorableBounds, saveWindowState } from './window-state';

export function openMainWindow(preload: string, state: AppStateRepo): BrowserWindow {
  const saved = loadWindowState(state);
  const bounds = saved && restorableBounds(saved.bounds, screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow(createMainWindowOptions(preload, bounds ?? {}));
  if (saved?.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => saveWindowState(state, { bounds: win.getNormalBounds(), maximized: win.isMaximized() }));
  void win.loadURL(APP_INDEX_URL);
  return win;
}
