// Quality is never hidden behind speed (Generate): an accelerated run with a same-seed baseline in the library
// shows its PSNR against it beside the big speed-up figure; a preset that measured runs show to cost fidelity
// on this model says so next to its speed-up estimate and in the preset list; preset hints say what they trade.
import { describe, expect, it } from 'vitest';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { generateAndWait } from './helpers/generate-form';
import { useWebSession } from './helpers/session';

describe.skipIf(!chromiumAvailable())('Fidelity beside speed (web mode, demo model)', () => {
  const session = useWebSession();

  it('shows PSNR vs the same-seed baseline with the speed-up and marks a preset that costs fidelity', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    const prompt = 'a small green triangle on a white background';
    await generateAndWait(page, { prompt, steps: 12, seed: 7, preset: 'DaTo fast' });
    const timings = page.getByRole('region', { name: 'Timings' });
    // No baseline of this seed yet: the speed-up says its fidelity is unknown.
    await timings.getByText('fidelity unknown: no same-seed baseline in the library').waitFor();
    await expect(page.getByTestId('preset-fidelity').count()).resolves.toBe(0);

    await generateAndWait(page, { prompt, steps: 12, seed: 7, preset: 'Baseline' });
    await timings.getByText(/^Baseline run/).waitFor();
    // The baseline filled in the earlier DaTo fast run's fidelity: the preset is now known on this model.
    await page.getByRole('radio', { name: 'DaTo fast', exact: true }).check();
    const note = page.getByTestId('preset-fidelity');
    await note.waitFor();
    const noteText = (await note.textContent())!;
    const median = Number.parseFloat(/median (\d+\.\d) dB/.exec(noteText)![1]!);
    console.log(`DaTo fast, DDIM 12: ${noteText.trim()}`);
    expect(median).toBeLessThan(30); // dato-fast at 12 steps loses the picture on this model (≈19 dB)
    expect(noteText).toMatch(/^\s*Costs fidelity on this model \(12 steps\): median \d+\.\d dB vs the baseline image over 1 same-seed run\./);
    const fastOption = page.locator('label.preset', { has: page.getByRole('radio', { name: 'DaTo fast', exact: true }) });
    await expect(fastOption.getByTestId('costs-fidelity').textContent()).resolves.toBe('costs fidelity here');
    await expect(fastOption.getByText(/Trades much fidelity/).isVisible()).resolves.toBe(true);
    // Only the measured preset is marked.
    await expect(page.getByTestId('costs-fidelity').count()).resolves.toBe(1);

    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByTestId('fidelity').waitFor({ timeout: 120_000 });
    const speedup = (await page.getByTestId('speedup').textContent())!;
    const fidelity = (await page.getByTestId('fidelity').textContent())!;
    expect(speedup).toMatch(/^\d+\.\d{2}×$/);
    expect(fidelity.trim()).toBe(`${median.toFixed(1)} dB vs the same-seed baseline: differences are easy to see`);
    await expect(page.getByTestId('preset-fidelity').textContent()).resolves.toMatch(/over 2 same-seed runs/);
    await screenshot(page, 'generate-fidelity');

    // Presets say what they trade.
    await page.getByRole('radio', { name: 'Cached-only', exact: true }).check();
    await page.getByText(/Trades a little fidelity/).waitFor();
    await page.getByRole('radio', { name: 'Baseline', exact: true }).check();
    await page.getByText(/trades nothing/).waitFor();
    expect(problems).toEqual([]);
  });
});
