// What this shell can do (dialogs, reveal in folder, drag out, upload) and whether the app is reachable.
import type { StudioApi, SystemInfoDto } from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';

export class SystemState {
  info = $state.raw<SystemInfoDto | null>(null);
  /** Set when the first call failed: the UI shows it instead of the screens. */
  connectionError = $state<string | null>(null);

  readonly isElectron: boolean;
  constructor(private readonly api: StudioApi) {
    this.isElectron = api.shell === 'electron';
  }

  async load(): Promise<boolean> {
    try {
      this.info = await this.api.system.info();
      this.connectionError = null;
      return true;
    } catch (error) {
      this.connectionError = errorMessage(error);
      return false;
    }
  }

  get capabilities(): SystemInfoDto['capabilities'] {
    return this.info?.capabilities ?? { dialogs: false, revealInFolder: false, dragOut: false, importByPath: false, importByUpload: false };
  }
}
