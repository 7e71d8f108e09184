// Filling the Generate form the way a user does (by label), for the tests that need an image first.
import type { Page } from 'playwright-core';

export interface QuickGenerate {
  prompt: string;
  steps?: number;
  preset?: string;
  seed?: number;
  batchCount?: number;
}

export async function fillGenerateForm(page: Page, opts: QuickGenerate): Promise<void> {
  await page.getByRole('link', { name: 'Generate' }).click();
  await page.getByLabel('Prompt', { exact: true }).fill(opts.prompt);
  if (opts.preset) await page.getByRole('radio', { name: opts.preset, exact: true }).check();
  await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill(String(opts.steps ?? 8));
  if (opts.seed !== undefined) {
    await page.getByRole('radio', { name: 'Fixed' }).check();
    await page.getByLabel('Seed value').fill(String(opts.seed));
    await page.getByLabel('Seed value').blur();
  }
  if (opts.batchCount !== undefined) await page.getByRole('spinbutton', { name: 'Batch count' }).fill(String(opts.batchCount));
}

/** Generate and wait for the finished image in the image area. */
export async function generateAndWait(page: Page, opts: QuickGenerate): Promise<void> {
  await fillGenerateForm(page, opts);
  await page.getByRole('button', { name: 'Generate' }).click();
  await page.getByRole('img', { name: `Generated image: ${opts.prompt}` }).waitFor({ timeout: 120_000 });
}
