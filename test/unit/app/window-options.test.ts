// E-01: the one window factory never weakens Electron's isolation; saved bounds come back only when visible;
// external links only to an https allowlist.
import { describe, expect, it } from 'vitest';
import { isAllowedExternal } from '../../../main/app/security';
import { createMainWindowOptions, MIN_HEIGHT, MIN_WIDTH } from '../../../main/app/window-options';
import { restorableBounds } from '../../../main/app/window-state';

describe('createMainWindowOptions', () => {
  it('sets every isolation flag explicitly', () => {
    const o = createMainWindowOptions('/app/dist/preload.js');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/dist/preload.js', sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false, webviewTag: false,
    });
    expect(o.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(o.show).toBe(false);
  });

  it('uses saved bounds when given', () => {
    expect(createMainWindowOptions('p', { x: 10, y: 20, width: 1000, height: 700 })).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 });
  });
});

describe('restorableBounds', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1080 };
  it('keeps bounds on a connected display and enforces the minimum size', () => {
    expect(restorableBounds({ x: 100, y: 100, width: 1200, height: 800 }, [screen])).toEqual({ x: 100, y: 100, width: 1200, height: 800 });
    expect(restorableBounds({ x: 0, y: 0, width: 100, height: 100 }, [screen])).toEqual({ x: 0, y: 0, width: MIN_WIDTH, height: MIN_HEIGHT });
  });
  it('drops bounds that are mostly off-screen (display unplugged)', () => {
    expect(restorableBounds({ x: 2500, y: 100, width: 1200, height: 800 }, [screen])).toBeNull();
    expect(restorableBounds({ x: 1500, y: 100, width: 1200, height: 800 }, [screen])).toBeNull();
    expect(restorableBounds({ x: 2500, y: 100, width: 1200, height: 800 }, [screen, { x: 1920, y: 0, width: 2560, height: 1440 }])).not.toBeNull();
  });
});

describe('isAllowedExternal', () => {
  it.each([
    ['https://huggingface.co/runwayml', true], ['https://github.com/x/y', true],
    ['http://huggingface.co/', false], ['https://huggingface.co.evil.example/', false], ['https://huggingface.co@evil.example/', false],
    ['file:///etc/passwd', false], ['javascript:alert(1)', false], ['https://evil.example/?https://github.com/', false], ['nonsense', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedExternal(url)).toBe(allowed);
  });
});
