// The acceleration presets (built-in Baseline, Cached-only, DaTo, DaTo fast, then the user's), shared by the
// Generate and Compare forms.
import type { PresetDto, StudioApi } from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';

export class PresetsState {
  list = $state.raw<readonly PresetDto[]>([]);
  error = $state<string | null>(null);

  baseline = $derived(this.list.find((p) => p.builtin && p.accel.mode === 'baseline') ?? null);

  constructor(private readonly api: StudioApi) {}

  async load(): Promise<void> {
    try {
      this.list = await this.api.generation.presets();
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  byId(id: number): PresetDto | null {
    return this.list.find((p) => p.id === id) ?? null;
  }
}
