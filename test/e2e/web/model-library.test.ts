// The model library as a new user meets it: a lone copy of the demo model's file is still 128 px native (the
// size comes from the file), uploading the same file again is recognised instead of copied, switching model
// resets size, steps and CFG to that model's defaults except what the user changed, and the Models screen
// says where to get SD 1.5 checkpoints.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { useWebSession } from './helpers/session';
import { newDataDir } from './helpers/web-app';

describe.skipIf(!chromiumAvailable())('Model library (web mode)', () => {
  const session = useWebSession();
  const files = newDataDir();

  it('imports a lone copy of the demo model at its own native size, and recognises it when uploaded again', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Models' }).click();
    const copy = join(files, 'shapes-copy.safetensors'); // the file alone, without the demo's config.json
    copyFileSync(join(REPO_ROOT, 'resources', 'models', 'demo-shapes-sd1', 'model.safetensors'), copy);
    const upload = page.getByLabel('Model file to upload');
    await upload.setInputFiles(copy);
    await page.getByText('Imported “shapes-copy”.').waitFor({ timeout: 60_000 });
    const card = page.getByRole('list', { name: 'Models' }).getByRole('article', { name: /^shapes-copy/ });
    await expect(card.getByText('SD 1.x · 128 px native').isVisible()).resolves.toBe(true);

    await upload.setInputFiles(copy);
    await page.getByTestId('import-error').getByText('“shapes-copy.safetensors” is already in your library as “shapes-copy” (the same file); it was not imported again.').waitFor({ timeout: 60_000 });
    await expect(page.getByRole('list', { name: 'Models' }).getByRole('listitem').count()).resolves.toBe(2);
    await screenshot(page, 'model-library-duplicate');

    await page.getByText('Where to get Stable Diffusion 1.5 models').click();
    await expect(page.getByText('v1-5-pruned-emaonly-fp16.safetensors').isVisible()).resolves.toBe(true);
    await screenshot(page, 'model-library-where');
    expect(problems).toEqual([]);
  });

  it("switching model fills in that model's defaults, except the fields the user changed", async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Generate' }).click();
    const steps = page.getByRole('spinbutton', { name: 'Steps', exact: true });
    const cfg = page.getByRole('spinbutton', { name: 'CFG', exact: true });
    const width = page.getByRole('spinbutton', { name: 'Width' });
    const model = page.getByLabel('Model', { exact: true });
    // the demo model's own defaults
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('input[aria-label="Width"]')?.value ?? '') === '128');
    await expect(cfg.inputValue()).resolves.toBe('5');
    await expect(steps.inputValue()).resolves.toBe('30');

    await steps.fill('12'); // the user's choice survives model switches
    await model.selectOption({ label: 'shapes-copy' });
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('input[id$="cfg"]')?.value ?? '') === '7.5');
    await expect(steps.inputValue()).resolves.toBe('12');
    await expect(width.inputValue()).resolves.toBe('128'); // its native size, from the file
    await screenshot(page, 'model-switch-defaults');

    await model.selectOption({ label: 'Demo: coloured shapes' });
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('input[id$="cfg"]')?.value ?? '') === '5');
    await expect(steps.inputValue()).resolves.toBe('12');
    expect(problems).toEqual([]);
  });
});
