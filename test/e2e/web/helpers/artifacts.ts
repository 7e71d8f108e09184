// Where the browser tests keep their screenshots (test/artifacts/, git-ignored).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test', 'artifacts');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
