// Calibrate (web mode, demo model): from a model's card, a calibration shows what it is doing with a progress
// bar and an ETA, and Cancel stops it; started again it resumes and ends with its front drawn as a plot; a
// point saved as a preset ("3.0×, 22 dB") appears on Generate with its expected speed-up and fidelity, and a
// generation with it runs exactly that schedule. Calibrated on a model with no calibration says so and offers
// to calibrate those settings instead of failing. Tiny calibrations (6 DDIM steps, seconds of budget).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { useWebSession } from './helpers/session';
import { newDataDir } from './helpers/web-app';

describe.skipIf(!chromiumAvailable())('Calibrate (web mode, demo model)', () => {
  const session = useWebSession();

  it('shows progress and cancels, resumes to a front plot, and a chosen point becomes a preset that runs its schedule', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Models' }).click();
    const demo = page.getByRole('article', { name: /demo/i });
    await demo.getByRole('button', { name: 'Calibrate…' }).click();
    const panel = page.getByRole('dialog', { name: /^Calibrate / });
    await panel.waitFor();
    // prefilled from the Generate form (the demo model's defaults)
    await expect(panel.getByRole('spinbutton', { name: 'Steps' }).inputValue()).resolves.toBe('30');
    await expect(panel.getByRole('spinbutton', { name: 'CFG' }).inputValue()).resolves.toBe('5');
    await expect(panel.getByRole('spinbutton', { name: 'Width' }).inputValue()).resolves.toBe('128');
    await panel.getByRole('spinbutton', { name: 'Steps' }).fill('6');

    await panel.getByRole('spinbutton', { name: 'Minutes' }).fill('5');
    await panel.getByRole('button', { name: 'Start calibration' }).click();
    await panel.getByTestId('calibration-phase').getByText('Searching schedules').waitFor({ timeout: 60_000 });
    const eta = (await panel.getByTestId('calibration-eta').textContent())!;
    expect(eta).toMatch(/^ETA (\d+ s|\d+ min \d+ s)$/);
    const bar = panel.getByRole('progressbar', { name: 'Calibration progress' });
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(0);
    await expect(bar.getAttribute('aria-valuetext')).resolves.toMatch(/% of the time budget, \d+ schedules measured/);
    await screenshot(page, 'calibrate-progress');
    // closing the panel leaves it running: the model's card says so, and reopens it
    await panel.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });
    await demo.getByRole('button', { name: /^Calibrating… \d+%$/ }).click();
    await panel.getByTestId('calibration-progress').waitFor();
    await panel.getByRole('button', { name: 'Cancel calibration' }).click();
    await panel.getByTestId('calibration-ended').getByText(/Calibration cancelled\..*start the same calibration again to resume/).waitFor({ timeout: 30_000 });
    await expect(panel.getByTestId('front-plot').count()).resolves.toBe(0);

    // the same settings again resume what was measured, and end with the front
    await panel.getByRole('spinbutton', { name: 'Minutes' }).fill('0.2');
    await panel.getByRole('button', { name: 'Start calibration' }).click();
    await panel.getByText(/resumed with \d+ schedules already measured/).waitFor();
    const plot = panel.getByTestId('front-plot');
    await plot.waitFor({ timeout: 120_000 });
    const points = plot.getByRole('radio');
    const count = await points.count();
    expect(count).toBeGreaterThan(0);
    await panel.getByRole('heading', { name: `DDIM 6 steps, CFG 5, 128×128: ${count} schedule${count === 1 ? '' : 's'} on the front` }).waitFor();
    await expect(panel.getByRole('region', { name: 'Past calibrations' }).getByRole('button').count()).resolves.toBe(1);
    // beside the front, the plain sampler at fewer steps on the same prompts: ⌈6 / target⌉ = 3 and 2 steps
    const plainLine = plot.getByTestId('plain-line');
    await expect(plainLine.locator('text').allTextContents()).resolves.toEqual(['3', '2']);

    // choose the most faithful point (last along x), save it under its speed-up and fidelity
    const point = points.nth(count - 1);
    await point.click();
    await expect(point.getAttribute('aria-checked')).resolves.toBe('true');
    const name = (await point.getAttribute('aria-label'))!;
    expect(name).toMatch(/^\d+\.\d×, \d+ dB$/);
    const nameField = panel.getByLabel('Preset name');
    await expect(nameField.inputValue()).resolves.toBe(name);
    // judged against the plain run with at least its cost, measured by the same calibration
    await expect(panel.getByTestId('plain-comparison').textContent().then((t) => t!.replace(/\s+/g, ' ')))
      .resolves.toMatch(/Plain DDIM at [23] steps \([23]\.00×, at least this cost\): \d+\.\d dB — (this schedule|fewer steps) keeps? \d+\.\d dB more/);
    const letters = (await panel.getByTestId('point-schedule').textContent())!;
    expect(letters).toMatch(/^F[FMSK]{5}$/);
    const pointStrip = await panel.getByRole('form', { name: 'Selected schedule' }).getByRole('img').getAttribute('aria-label');
    await panel.getByRole('button', { name: 'Save as preset' }).click();
    await panel.getByRole('status').getByText(`Saved as the preset “${name}”`).waitFor();
    await screenshot(page, 'calibrate-front');
    await panel.getByRole('button', { name: 'Close' }).click();

    // Generate: the preset is listed, says what it is expected to give, and runs that schedule
    await page.getByRole('link', { name: 'Generate' }).click();
    await page.getByLabel('Prompt', { exact: true }).fill('a small blue square on a yellow background');
    await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill('6');
    await page.getByRole('radio', { name, exact: true }).check();
    const expected = page.getByTestId('expected-quality');
    await expected.waitFor();
    const [speedup, psnr] = name.split(', ');
    await expect(expected.textContent().then((t) => t!.replace(/\s+/g, ' '))).resolves.toMatch(new RegExp(`Expected ${speedup!.replace('.', '\\.')}, ${psnr} vs the baseline image \\(calibration of ddim 6 steps, 128×128\\)`));
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('img', { name: 'Generated image: a small blue square on a yellow background' }).waitFor({ timeout: 120_000 });
    const asRun = page.getByRole('region', { name: 'Timings' }).getByRole('img', { name: /^Schedule:/ });
    await expect(asRun.getAttribute('aria-label')).resolves.toBe(pointStrip);
    // the gallery keeps the exact letters
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('button', { name: /^a small blue square on a yellow background · Calibrated/ }).first().click();
    const storedLetters = page.locator('dd.schedule .letters');
    await storedLetters.waitFor();
    const stored = (await storedLetters.textContent())!;
    expect(stored.replace(/,/g, '')).toBe(letters);
    expect(problems).toEqual([]);
  }, 400_000);

  it('Calibrated on a model without a calibration says so and offers to calibrate those settings', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    // an imported copy of the demo weights is a model of its own: no shipped calibration applies to it
    const copy = join(newDataDir(), 'shapes-copy.safetensors');
    copyFileSync(join(REPO_ROOT, 'resources', 'models', 'demo-shapes-sd1', 'model.safetensors'), copy);
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByLabel('Model file to upload').setInputFiles(copy);
    await page.getByRole('article', { name: /^shapes-copy/ }).waitFor({ timeout: 60_000 });

    await page.getByRole('link', { name: 'Generate' }).click();
    await page.getByLabel('Prompt', { exact: true }).fill('a red circle');
    // the demo model's Calibrated falls back to the calibration shipped with it, and says so
    await page.getByRole('radio', { name: 'Calibrated', exact: true }).check();
    await page.getByTestId('expected-quality').getByText(/^Expected \d+\.\d×, \d+ dB vs the baseline image \(shipped calibration of the demo model\)\.$/).waitFor();
    await page.getByLabel('Model').selectOption({ label: 'shapes-copy' });
    await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill('12');
    const offer = page.getByTestId('uncalibrated');
    await offer.waitFor();
    await expect(offer.textContent().then((t) => t!.replace(/\s+/g, ' '))).resolves.toMatch(/shapes-copy has no calibration for DDIM 12 steps, CFG 7\.5, \d+×\d+: calibrate it first/);
    await expect(page.getByRole('button', { name: 'Generate' }).isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('plan-cost').count()).resolves.toBe(0); // no plan to cost: the offer says why
    await offer.getByRole('button', { name: 'Calibrate these settings…' }).click();
    const panel = page.getByRole('dialog', { name: /^Calibrate shapes-copy/ });
    await panel.waitFor();
    await expect(panel.getByRole('spinbutton', { name: 'Steps' }).inputValue()).resolves.toBe('12');
    await expect(panel.getByRole('spinbutton', { name: 'CFG' }).inputValue()).resolves.toBe('7.5');
    await screenshot(page, 'calibrate-offer');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    // another preset lifts the block
    await page.getByRole('radio', { name: 'Baseline', exact: true }).check();
    await offer.waitFor({ state: 'detached' });
    await expect(page.getByRole('button', { name: 'Generate' }).isDisabled()).resolves.toBe(false);
    await page.getByTestId('plan-cost').getByText(/^\d+ evaluations: /).waitFor();
    expect(problems).toEqual([]);
  }, 180_000);
});
