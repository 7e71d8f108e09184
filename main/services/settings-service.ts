// User settings (provider, CPU threads, output folder, theme), persisted in SQLite, plus the provider
// detection report. Changes take effect for the next job (the engine reopens the model when the provider
// or thread count differs).
import { access, mkdir } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { ProviderChoice, ProviderReportDto, SettingsDto, SettingsPatch } from '../../preload/contract';
import type { SettingsRepo } from '../db/settings-repo';
import { EngineError, candidateProviders, toEngineError, type Engine } from '../engine/index';
import type { EventHub } from './event-hub';
import { probeRequest, type ProviderReports } from './provider-report';

export interface SettingsServiceOptions {
  repo: SettingsRepo;
  reports: ProviderReports;
  events: EventHub;
  defaultOutputDir: string;
  demoModelPath: string;
  /** Runs provider probes (the inspector engine, so the generating engine keeps its model loaded). */
  probeEngine: Engine;
}

/** What Settings offers on this OS: 'auto' and the providers this build can have here (no DirectML off Windows). */
export function providerChoices(): ProviderChoice[] {
  return ['auto', ...candidateProviders()];
}

export class SettingsService {
  constructor(private readonly opts: SettingsServiceOptions) {}

  get(): SettingsDto {
    const s = this.opts.repo.getAll();
    return {
      executionProvider: s.executionProvider, cpuThreads: s.cpuThreads, theme: s.theme, defaultClipSkip: s.clipSkip, defaultVaeId: s.vaeId,
      outputDir: s.outputDir ?? this.opts.defaultOutputDir, outputDirIsDefault: s.outputDir === null,
    };
  }

  private changed(): SettingsDto {
    const settings = this.get();
    this.opts.events.emit('onSettingsEvent', { settings });
    return settings;
  }

  update(patch: SettingsPatch): SettingsDto {
    if (patch.executionProvider !== undefined && !providerChoices().includes(patch.executionProvider)) {
      throw new EngineError('invalid-parameters', `The ${patch.executionProvider.toUpperCase()} execution provider does not exist on ${process.platform}. Choose one of: ${providerChoices().join(', ')}.`);
    }
    const cores = availableParallelism();
    if (patch.cpuThreads != null && patch.cpuThreads > cores) {
      throw new EngineError('invalid-parameters', `CPU threads must be between 1 and ${cores} (this machine's cores).`);
    }
    if (patch.executionProvider !== undefined) this.opts.repo.set('executionProvider', patch.executionProvider);
    if (patch.cpuThreads !== undefined) this.opts.repo.set('cpuThreads', patch.cpuThreads);
    if (patch.theme !== undefined) this.opts.repo.set('theme', patch.theme);
    if (patch.defaultClipSkip !== undefined) this.opts.repo.set('clipSkip', patch.defaultClipSkip);
    if (patch.defaultVaeId !== undefined) this.opts.repo.set('vaeId', patch.defaultVaeId);
    return this.changed();
  }

  /** A folder the user picked in a dialog (Electron only): created if needed, must be writable. */
  async setOutputDir(dir: string | null): Promise<SettingsDto> {
    if (dir === null) {
      this.opts.repo.reset('outputDir');
      return this.changed();
    }
    if (!isAbsolute(dir)) throw new EngineError('invalid-parameters', 'The output folder must be an absolute path.');
    const absolute = resolve(dir);
    try {
      await mkdir(absolute, { recursive: true });
      await access(absolute, fsConstants.W_OK);
    } catch (err) {
      throw new EngineError('invalid-parameters', `Images cannot be saved in "${absolute}": ${(err as Error).message}. Choose another folder.`);
    }
    this.opts.repo.set('outputDir', absolute);
    return this.changed();
  }

  async providers(refresh: boolean): Promise<ProviderReportDto> {
    const { executionProvider: choice, cpuThreads } = this.opts.repo.getAll();
    if (!refresh) return this.opts.reports.last(choice);
    try {
      const job = this.opts.probeEngine.generate(probeRequest(this.opts.demoModelPath, choice, cpuThreads));
      return this.opts.reports.record(choice, (await job.result).provider);
    } catch (err) {
      const error = toEngineError(err);
      if (error.code !== 'provider-unavailable') throw error;
      return this.opts.reports.recordFailure(choice, error);
    }
  }
}
