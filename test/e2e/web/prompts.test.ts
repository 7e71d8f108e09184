// Prompts the model can draw (issue 8 item 6): the demo model's placeholder and example prompts come from its
// own caption grammar (never its held-out evaluation captions), and the prompt history lists, searches and
// reuses the prompts of the library.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { generateAndWait } from './helpers/generate-form';
import { useWebSession } from './helpers/session';

const heldOut = (JSON.parse(readFileSync(join(REPO_ROOT, 'resources', 'models', 'demo-shapes-sd1', 'eval_captions.json'), 'utf8')) as {
  captions: { caption: string }[];
}).captions.map((c) => c.caption);

describe.skipIf(!chromiumAvailable())('Prompts (web mode)', () => {
  const session = useWebSession();

  it('offers the demo model\'s own prompts and a searchable prompt history', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    const prompt = page.getByLabel('Prompt', { exact: true });
    const examples = page.getByRole('group', { name: 'Example prompts' }).getByRole('button');
    await examples.first().waitFor();
    const texts = await examples.allTextContents();
    expect(texts.length).toBeGreaterThanOrEqual(3);
    for (const text of texts) {
      expect(text).toMatch(/\b(circle|square|triangle|ring)\b/);
      expect(heldOut).not.toContain(text.trim());
    }
    await expect(prompt.getAttribute('placeholder')).resolves.toBe(texts[0]!.trim());

    await examples.nth(1).click();
    await expect(prompt.inputValue()).resolves.toBe(texts[1]!.trim());
    await screenshot(page, 'prompts-examples');

    await generateAndWait(page, { prompt: texts[1]!.trim(), steps: 4 });
    await generateAndWait(page, { prompt: 'a small blue ring on a yellow background', steps: 4 });
    await prompt.fill('');

    await page.getByRole('button', { name: 'Prompt history' }).click();
    const recent = page.getByRole('list', { name: 'Recent prompts' }).getByRole('button');
    await recent.first().waitFor();
    await expect(recent.count()).resolves.toBe(2);
    await expect(recent.first().textContent()).resolves.toContain('a small blue ring on a yellow background');

    const search = page.getByRole('searchbox', { name: 'Search prompt history' });
    await search.fill('yell');
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="Recent prompts"] button').length === 1);
    await screenshot(page, 'prompts-history');
    await search.fill('zebra');
    await page.getByText('No prompt matches.').waitFor();
    await search.fill('');
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="Recent prompts"] button').length === 2);
    await recent.nth(1).click();
    await expect(prompt.inputValue()).resolves.toBe(texts[1]!.trim());
    expect(problems).toEqual([]);
  });
});
