// What only the desktop shell can do (dialogs, the OS file manager, native drag-out). The Electron main
// process provides it; in web mode it is absent and the contract marks these methods local-only.
export interface DesktopIntegration {
  /** A .safetensors file or a diffusers folder picked in a native dialog; null when cancelled. */
  chooseModel(kind: 'file' | 'folder'): Promise<string | null>;
  /** A LoRA / embedding / VAE .safetensors file, or a folder of them (issue 11); null when cancelled. */
  chooseAddon(kind: 'file' | 'folder'): Promise<string | null>;
  /** An output folder picked in a native dialog; null when cancelled. */
  chooseFolder(): Promise<string | null>;
  revealFile(path: string): void;
  /** Start a native drag of the PNG `file` from the window that sent the call (icon made from the file). */
  startDrag(sender: unknown, file: string): void;
}
