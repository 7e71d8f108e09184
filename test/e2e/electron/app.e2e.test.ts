// The real Electron app (Playwright's _electron): the window and its isolation (E-01), the preload's API and
// nothing else (E-04), the app and image schemes (E-02, E-03), the navigation lock (E-06). Skipped, with the
// reason, where no Electron binary or display is available.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from './electron-binary';

const root = join(__dirname, '..', '..', '..');
const binary = electronBinary();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason = 'reason' in binary ? binary.reason : noDisplay ? 'no display (set DISPLAY or run under xvfb-run)' : null;
if (skipReason) console.warn(`[e2e:electron] SKIPPED: Electron cannot run here: ${skipReason}.`);

describe.skipIf(skipReason !== null)('Electron app', () => {
  let app: ElectronApplication;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'dato-e2e-'));

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    app = await _electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [join(root, 'dist', 'main.js')],
      env: { ...process.env, DATO_STUDIO_HOME: dataDir },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens one window on the app scheme (its options: test/unit/app/window-options.test.ts)', async () => {
    const count = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
    expect(count).toBe(1);
    expect(page.url()).toBe('studio://app/index.html');
  });

  it('gives the page no Node and exactly the contract API', async () => {
    const seen = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const studio = w.studio as Record<string, Record<string, unknown>>;
      return {
        require: typeof w.require, process: typeof w.process, module: typeof w.module,
        ipcRenderer: 'ipcRenderer' in studio, namespaces: Object.keys(studio).sort(),
        listIsFunction: typeof studio.models!.list,
      };
    });
    expect(seen).toMatchObject({ require: 'undefined', process: 'undefined', module: 'undefined', ipcRenderer: false, listIsFunction: 'function' });
    expect(seen.namespaces).toEqual(expect.arrayContaining(['compare', 'gallery', 'generation', 'models', 'settings', 'system', 'onJobEvent', 'pathForFile']));
    const info = await page.evaluate(() => (window as unknown as { studio: { system: { info(): Promise<unknown> } } }).studio.system.info());
    expect(info).toMatchObject({ ok: true, value: { shell: 'electron', capabilities: { dialogs: true } } });
    const models = await page.evaluate(() => (window as unknown as { studio: { models: { list(): Promise<unknown> } } }).studio.models.list());
    expect(models).toMatchObject({ ok: true, value: [{ isDemo: true }] });
    const bad = await page.evaluate(() => (window as unknown as { studio: { gallery: { get(a: unknown): Promise<unknown> } } }).studio.gallery.get({ generationId: 'x' }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('serves the UI with a CSP header and images only by id', async () => {
    const csp = await page.evaluate(async () => (await fetch('studio://app/index.html')).headers.get('content-security-policy'));
    expect(csp).toMatch(/script-src 'self'/);
    const status = await page.evaluate(async () => (await fetch('studio-image://image/999999/full')).status);
    expect(status).toBe(404);
    const traversal = await page.evaluate(async () => (await fetch('studio://app/..%2f..%2fpackage.json')).status);
    expect(traversal).toBe(404);
  });

  it('blocks new windows and navigation away from the app', async () => {
    const opened = await page.evaluate(() => window.open('https://example.com') === null);
    expect(opened).toBe(true);
    await page.evaluate(() => { location.href = 'https://example.com/'; });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('studio://app/index.html');
    expect(app.windows()).toHaveLength(1);
  });
});
