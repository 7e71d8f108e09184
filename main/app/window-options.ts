// Every BrowserWindow is created from these options (E-01): sandboxed, context-isolated, no Node in the
// page or its workers, web security on, no <webview>, no experimental or Blink features. Pure, so a unit
// test can assert each flag.
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

export const MIN_WIDTH = 900;
export const MIN_HEIGHT = 600;

export function createMainWindowOptions(preload: string, bounds: Partial<Rectangle> = {}): BrowserWindowConstructorOptions {
  return {
    width: bounds.width ?? 1280,
    height: bounds.height ?? 860,
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'DaTo Studio',
    backgroundColor: '#1b1b1f',
    webPreferences: {
      preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  };
}
