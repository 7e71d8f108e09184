// Which execution provider runs the engine. `auto` tries CUDA → DirectML → WebGPU → CPU, proving each one
// with a probe, because onnxruntime-node lists providers whose libraries are missing and throws only when a
// session is created (there is no automatic fallback). A forced provider that cannot start is an error the
// user sees, never a silent CPU run. Pure: the probe is passed in (providers.ts has the real one), so the
// Electron main process can use these types and messages without loading onnxruntime-node.
import { EngineError } from '../errors';
import type { ProviderChoice, ProviderName } from '../../../preload/contract/vocabulary';

export type { ProviderChoice };

export interface ProviderAttempt { readonly provider: ProviderName; readonly ok: boolean; readonly reason: string }
export interface ProviderSelection { readonly provider: ProviderName; readonly attempts: readonly ProviderAttempt[] }

/** Providers this build of onnxruntime-node can have on this platform, in preference order. */
export function candidateProviders(platform: NodeJS.Platform = process.platform, arch: string = process.arch): ProviderName[] {
  const list: ProviderName[] = [];
  if (platform === 'linux' && arch === 'x64') list.push('cuda');
  if (platform === 'win32') list.push('dml');
  if (platform === 'win32' || platform === 'darwin' || (platform === 'linux' && arch === 'x64')) list.push('webgpu');
  list.push('cpu');
  return list;
}

const MAX_REASON_CHARS = 400;

/** The runtime's first line, shortened at a word boundary (a reason cut mid-word reads as a different word). */
export function reasonOf(err: unknown): string {
  const line = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
  if (line.length <= MAX_REASON_CHARS) return line;
  const cut = line.slice(0, MAX_REASON_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_REASON_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

export async function selectProvider(
  choice: ProviderChoice, probe: (p: ProviderName) => Promise<void>, candidates = candidateProviders(),
): Promise<ProviderSelection> {
  if (choice !== 'auto') {
    if (!candidates.includes(choice)) {
      throw new EngineError('provider-unavailable', `The ${choice.toUpperCase()} execution provider does not exist for ${process.platform}-${process.arch}. Choose Auto or CPU.`);
    }
    try {
      await probe(choice);
    } catch (err) {
      throw new EngineError('provider-unavailable', `The ${choice.toUpperCase()} execution provider could not start: ${reasonOf(err)}. Choose Auto or CPU, or install what it needs (see the README).`,
        err instanceof Error ? err.message : String(err));
    }
    return { provider: choice, attempts: [{ provider: choice, ok: true, reason: 'forced in settings' }] };
  }
  const attempts: ProviderAttempt[] = [];
  for (const provider of candidates) {
    try {
      await probe(provider);
      attempts.push({ provider, ok: true, reason: 'available' });
      return { provider, attempts };
    } catch (err) {
      attempts.push({ provider, ok: false, reason: reasonOf(err) });
    }
  }
  throw new EngineError('provider-unavailable', `No execution provider could start: ${attempts.map((a) => `${a.provider}: ${a.reason}`).join('; ')}`);
}

/** One line for the UI/CLI: which provider runs and why the better ones do not. */
export function describeSelection(sel: ProviderSelection): string {
  const failed = sel.attempts.filter((a) => !a.ok).map((a) => `${a.provider.toUpperCase()} unavailable (${a.reason})`);
  return `Running on ${sel.provider.toUpperCase()}${failed.length ? `; ${failed.join('; ')}` : ''}.`;
}
