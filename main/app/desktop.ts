// The desktop-only actions behind the contract's local methods: native dialogs, reveal in the file manager,
// dragging an image out of the window into another app.
import type { BrowserWindow, Dialog, NativeImage, Shell, WebContents } from 'electron';
import type { DesktopIntegration } from '../services/desktop-integration';

export interface DesktopDeps {
  dialog: Pick<Dialog, 'showOpenDialog'>;
  shell: Pick<Shell, 'showItemInFolder'>;
  iconFor(file: string): NativeImage;
  window(): BrowserWindow | undefined;
}

export function createDesktopIntegration(deps: DesktopDeps): DesktopIntegration {
  const pick = async (options: Electron.OpenDialogOptions): Promise<string | null> => {
    const win = deps.window();
    const result = win ? await deps.dialog.showOpenDialog(win, options) : await deps.dialog.showOpenDialog(options);
    return result.canceled ? null : result.filePaths[0] ?? null;
  };
  return {
    chooseModel: (kind) => pick(kind === 'file'
      ? { title: 'Import a Stable Diffusion 1.x checkpoint', properties: ['openFile'], filters: [{ name: 'Safetensors checkpoints', extensions: ['safetensors'] }] }
      : { title: 'Import a diffusers model folder', properties: ['openDirectory'] }),
    chooseAddon: (kind) => pick(kind === 'file'
      ? { title: 'Import a LoRA, embedding or VAE', properties: ['openFile'], filters: [{ name: 'Safetensors files', extensions: ['safetensors'] }] }
      : { title: 'Import every LoRA, embedding and VAE in a folder', properties: ['openDirectory'] }),
    chooseFolder: () => pick({ title: 'Choose where images are saved', properties: ['openDirectory', 'createDirectory'] }),
    revealFile: (path) => deps.shell.showItemInFolder(path),
    startDrag: (sender, file) => (sender as WebContents).startDrag({ file, icon: deps.iconFor(file) }),
  };
}
