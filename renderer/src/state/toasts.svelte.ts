// Short messages at the bottom of the window, optionally with one action (e.g. "Undo" after a delete).
export interface ToastAction {
  readonly label: string;
  run(): void | Promise<void>;
}

export interface Toast {
  readonly id: number;
  readonly message: string;
  readonly tone: 'info' | 'error';
  readonly action: ToastAction | null;
}

const DEFAULT_MS = 6000;
const WITH_ACTION_MS = 10_000;

export class Toasts {
  items = $state.raw<readonly Toast[]>([]);
  #nextId = 1;

  show(message: string, options: { tone?: Toast['tone']; action?: ToastAction; durationMs?: number } = {}): number {
    const toast: Toast = { id: this.#nextId++, message, tone: options.tone ?? 'info', action: options.action ?? null };
    this.items = [...this.items, toast].slice(-4);
    const ms = options.durationMs ?? (toast.action ? WITH_ACTION_MS : DEFAULT_MS);
    setTimeout(() => this.dismiss(toast.id), ms);
    return toast.id;
  }

  error(message: string): number {
    return this.show(message, { tone: 'error' });
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }

  async runAction(toast: Toast): Promise<void> {
    this.dismiss(toast.id);
    await toast.action?.run();
  }
}
