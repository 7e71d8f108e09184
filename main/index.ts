// The Electron main process, top to bottom: one instance → privileged schemes → security rules → library and
// engines → protocols → window → IPC. Everything the UI can do goes through preload/contract.ts.
import { app, BrowserWindow, dialog, ipcMain, nativeImage, protocol, session, shell, utilityProcess } from 'electron';
import { join } from 'node:path';
import { createDesktopIntegration } from './app/desktop';
import { openMainWindow } from './app/main-window';
import { handleProtocols, registerSchemes } from './app/protocols';
import { offerLibraryRestore } from './app/library-recovery';
import { denyPermissions, lockDownWebContents } from './app/security';
import { utilityProcessSpawner } from './app/utility-engine';
import { AppStateRepo } from './db/app-state-repo';
import { DatabaseError } from './db/errors';
import { Engine, INSPECTION_LIMITS } from './engine/index';
import { forwardEvents } from './ipc/forward-events';
import { registerIpc } from './ipc/register-ipc';
import { isTrustedSender } from './ipc/sender-check';
import { openStudio, type Studio } from './services/studio';
import { defaultDataDir } from './services/studio-paths';

// dist/main.js sits next to dist/preload.js, dist/engine-worker.js and dist/renderer/.
const PRELOAD = join(__dirname, 'preload.js');
const RENDERER_DIR = join(__dirname, 'renderer');
// The same library folder as web mode ($DATO_STUDIO_HOME or the platform's config folder), whatever name
// Electron derives for the app when started from a checkout.
const DATA_DIR = defaultDataDir();

app.setPath('userData', DATA_DIR);
registerSchemes(protocol);

async function start(): Promise<void> {
  let win: BrowserWindow | undefined;
  const studio: Studio = await openStudio({
    dataDir: DATA_DIR,
    shell: 'electron',
    engine: new Engine({ spawn: utilityProcessSpawner(utilityProcess, 'DaTo Studio engine') }),
    inspector: new Engine({ spawn: utilityProcessSpawner(utilityProcess, 'DaTo Studio model checker'), inspection: INSPECTION_LIMITS }),
    desktop: createDesktopIntegration({
      dialog, shell, window: () => win,
      iconFor: (file) => nativeImage.createFromPath(file).resize({ width: 64 }),
    }),
  });
  denyPermissions(session.defaultSession);
  handleProtocols(protocol, RENDERER_DIR, studio.gallery, studio.sources);
  win = openMainWindow(PRELOAD, new AppStateRepo(studio.db.db));
  const mainId = win.webContents.id;
  registerIpc(ipcMain, studio.dispatch, (event) => isTrustedSender(event, mainId));
  forwardEvents(studio.events, win.webContents);

  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closed = true;
    void studio.close().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
  app.on('second-instance', () => {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  lockDownWebContents(app, shell);
  const startOrRecover = async (): Promise<void> => {
    try {
      await start();
    } catch (err) {
      // A damaged library: offer the last good backup, then start again on it.
      if (!(err instanceof DatabaseError) || err.code !== 'database-corrupt') throw err;
      if (!(await offerLibraryRestore(dialog, DATA_DIR, err.message))) { app.exit(1); return; }
      await start();
    }
  };
  app.whenReady().then(startOrRecover).catch((err: unknown) => {
    dialog.showErrorBox('DaTo Studio could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
