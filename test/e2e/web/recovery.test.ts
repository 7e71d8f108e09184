// A damaged library in web mode: the link opens a page that says so and offers the last good backup; one
// click restores it (the damaged file is kept) and the same link turns into the app, with the library as it
// was at the backup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DATABASE_FILE_NAME, openStudioDb } from '../../../main/db/index';
import { backUpIfDue } from '../../../main/db/library-backups';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, launchBrowser } from './helpers/browser';
import { newDataDir, removeDataDirs, startWebApp, type WebApp } from './helpers/web-app';

describe.skipIf(!chromiumAvailable())('a damaged library (web mode)', () => {
  let browser: Browser;
  let app: WebApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = newDataDir();
    const db = openStudioDb(dataDir);
    db.settings.set('theme', 'light'); // something the restored library must still say
    const filler = db.db.prepare("INSERT INTO settings (key, value) VALUES (?, '\"x\"')");
    db.db.transaction(() => { for (let i = 0; i < 2000; i++) filler.run(`filler-${i}`); })();
    await backUpIfDue(db.db, dataDir);
    db.close();
    const file = join(dataDir, DATABASE_FILE_NAME);
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 4096 * 2, 4096 * 6); // table pages garbage, header intact: quick_check fails
    writeFileSync(file, bytes);
    [browser, app] = await Promise.all([launchBrowser(), startWebApp(dataDir)]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    removeDataDirs();
  });

  it('offers the last good backup, restores it on click and opens the app', async () => {
    expect(app.output()).toMatch(/the library in .* is damaged/);
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    const csp: string[] = [];
    page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) csp.push(msg.text()); });
    await page.goto(app.url);
    await page.getByRole('heading', { name: 'The library is damaged' }).waitFor();
    await expect(page.getByText(/could not open its library database: The library database is damaged/).isVisible()).resolves.toBe(true);
    await screenshot(page, 'recovery-offer');

    await page.getByRole('button', { name: 'Restore the last good backup' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('heading', { name: 'Gallery', level: 1 }).waitFor();
    await screenshot(page, 'recovery-restored');
    expect(readdirSync(dataDir).some((f) => /^library\.sqlite3\.damaged-[\d-]+$/.test(f))).toBe(true);
    expect(app.output()).toMatch(/Restored the library from the backup of/);
    expect(csp).toEqual([]);
    await context.close();
  });
});
