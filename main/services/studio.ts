// The app behind the UI, the same for the Electron window and web mode: opens the library, registers the
// demo model, settles what the last session left behind, and wires the services to the contract.
//   engine    runs generations (Electron: utilityProcess; web mode: child process; tests: worker thread)
//   inspector validates model files, counts plan costs and probes providers, so the generating engine keeps
//             its model loaded, model files are parsed only in an engine process, and a hostile file can only
//             crash the inspector
import { join } from 'node:path';
import packageJson from '../../package.json';
import { AppStateRepo } from '../db/app-state-repo';
import { openStudioDb, type StudioDb } from '../db/index';
import { backUpIfDue } from '../db/library-backups';
import { resolveResources, type Engine, type Resources } from '../engine/index';
import { CalibrationService } from './calibration-service';
import { AddonsService } from './addons-service';
import { CompareService } from './compare-service';
import type { DesktopIntegration } from './desktop-integration';
import { createDispatch, type Dispatch } from './dispatch';
import { EngineGate } from './engine-gate';
import { EventHub } from './event-hub';
import { GalleryService } from './gallery-service';
import { SourceImagesService } from './source-images-service';
import { GenerationService } from './generation-service';
import { createHandlers } from './handlers';
import { ModelsService } from './models-service';
import { ProviderReports } from './provider-report';
import { SettingsService } from './settings-service';
import { SpeedupBook } from './speedup-book';
import { prepareLibrary, type StartupReport } from './startup';
import { studioPaths, type StudioPaths } from './studio-paths';

export interface StudioOptions {
  dataDir: string;
  shell: 'electron' | 'web';
  engine: Engine;
  inspector: Engine;
  desktop?: DesktopIntegration;
  resources?: Resources;
  appVersion?: string;
  maxJobs?: number;
  hardCancelMs?: number;
}

export interface Studio {
  readonly paths: StudioPaths;
  readonly db: StudioDb;
  readonly events: EventHub;
  readonly dispatch: Dispatch;
  readonly generation: GenerationService;
  readonly compare: CompareService;
  readonly calibration: CalibrationService;
  readonly gallery: GalleryService;
  readonly models: ModelsService;
  /** LoRAs, embeddings, VAEs (issue 11). */
  readonly addons: AddonsService;
  readonly settings: SettingsService;
  /** Image-to-image sources (issue 9). */
  readonly sources: SourceImagesService;
  readonly startup: StartupReport;
  /** Cancel every job, let the engines finish, close the library. */
  close(): Promise<void>;
}

export async function openStudio(opts: StudioOptions): Promise<Studio> {
  const paths = studioPaths(opts.dataDir);
  const resources = opts.resources ?? resolveResources();
  const appVersion = opts.appVersion ?? packageJson.version;
  const db = openStudioDb(paths.dataDir);
  try {
    const events = new EventHub();
    const state = new AppStateRepo(db.db);
    const reports = new ProviderReports(state);
    const models = new ModelsService({
      repo: db.models, inspect: (p) => opts.inspector.inspect(p), demoModelPath: resources.demoModel, modelsDir: paths.modelsDir, events,
    });
    const addons = new AddonsService({ repo: db.addons, inspect: (p) => opts.inspector.inspectAddon(p), dir: join(paths.modelsDir, 'addons') });
    const settings = new SettingsService({
      repo: db.settings, reports, events, defaultOutputDir: paths.defaultOutputDir, demoModelPath: resources.demoModel, probeEngine: opts.inspector,
    });
    const gallery = new GalleryService(db, events);
    const sources = new SourceImagesService(db, () => settings.get().outputDir, gallery);
    const gate = new EngineGate();
    const generation = new GenerationService({
      db, state, engine: opts.engine, sources, planCost: (q) => opts.inspector.planCost(q), models, settings, reports, speedups: new SpeedupBook(state), events, gate, appVersion, addons,
      ...(opts.maxJobs ? { maxJobs: opts.maxJobs } : {}),
    });
    const compare = new CompareService(db, generation, events);
    const calibration = new CalibrationService({
      db, engine: opts.engine, gate, generation, models, settings, events, ...(opts.hardCancelMs ? { hardCancelMs: opts.hardCancelMs } : {}),
    });
    await models.init();
    const startup = await prepareLibrary(db, gallery, settings.get().outputDir);
    // The daily backup runs online in the background; a failed backup is reported, never fatal.
    const backup = db.readonly ? Promise.resolve() : backUpIfDue(db.db, paths.dataDir).then(() => undefined, (err: unknown) => {
      console.warn(`DaTo Studio: the daily library backup failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    const dispatch = createDispatch(createHandlers({
      generation, compare, calibration, gallery, models, addons, settings, sources, desktop: opts.desktop, shell: opts.shell, appVersion, databaseReadonly: db.readonly,
    }));
    return {
      paths, db, events, dispatch, generation, compare, calibration, gallery, models, addons, settings, sources, startup,
      close: async () => {
        generation.queue.cancelAll();
        const run = calibration.current();
        if (run) calibration.stop(run.id);
        await Promise.race([Promise.all([generation.queue.idle(), calibration.settled()]), new Promise((r) => setTimeout(r, 10_000))]);
        await compare.settled();
        await backup;
        await Promise.all([opts.engine.close(), opts.inspector.close()]);
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
