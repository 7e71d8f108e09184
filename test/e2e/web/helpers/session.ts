// One browser and one web-mode server for a test file: started before its tests, stopped (and their data
// folders removed) after. Files that restart the server manage their own.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser';
import { removeDataDirs, startWebApp, type WebApp } from './web-app';

export interface WebSession {
  readonly browser: Browser;
  readonly app: WebApp;
}

export function useWebSession(): WebSession {
  let browser: Browser | undefined;
  let app: WebApp | undefined;
  beforeAll(async () => {
    [browser, app] = await Promise.all([launchBrowser(), startWebApp()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    removeDataDirs();
  });
  return {
    get browser(): Browser { return browser!; },
    get app(): WebApp { return app!; },
  };
}
