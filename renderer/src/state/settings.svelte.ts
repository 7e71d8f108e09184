// App settings (execution provider, CPU threads, output folder, theme) as the back half stores them, the
// provider detection report, and the theme applied to the document. The theme is also kept in
// localStorage so the next start paints in the right colours before the first call returns.
import type { ProviderReportDto, SettingsDto, SettingsPatch, StudioApi, Theme } from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';

const THEME_KEY = 'dato-studio-theme';

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Storage can be unavailable (private mode); the theme still applies for this session.
  }
}

/** The theme remembered from the last session, applied before mounting. */
export function restoreTheme(): void {
  let theme: string | null = null;
  try {
    theme = localStorage.getItem(THEME_KEY);
  } catch {
    theme = null;
  }
  applyTheme(theme === 'light' || theme === 'dark' ? theme : 'system');
}

export class SettingsState {
  current = $state.raw<SettingsDto | null>(null);
  providers = $state.raw<ProviderReportDto | null>(null);
  detecting = $state(false);
  saving = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: StudioApi) {
    api.onSettingsEvent(({ settings }) => this.#accept(settings));
  }

  async load(): Promise<void> {
    try {
      this.#accept(await this.api.settings.get());
      this.providers = await this.api.settings.providers({});
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  async update(patch: SettingsPatch): Promise<void> {
    this.saving = true;
    this.error = null;
    try {
      this.#accept(await this.api.settings.update(patch));
      if (patch.executionProvider !== undefined) this.providers = await this.api.settings.providers({});
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.saving = false;
    }
  }

  async detectProviders(): Promise<void> {
    this.detecting = true;
    this.error = null;
    try {
      this.providers = await this.api.settings.providers({ refresh: true });
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.detecting = false;
    }
  }

  async chooseOutputDir(): Promise<void> {
    try {
      const next = await this.api.settings.chooseOutputDir();
      if (next) this.#accept(next);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  async resetOutputDir(): Promise<void> {
    try {
      this.#accept(await this.api.settings.resetOutputDir());
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  #accept(settings: SettingsDto): void {
    this.current = settings;
    applyTheme(settings.theme);
  }
}
