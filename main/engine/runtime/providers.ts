// The real provider probe: a one-node session on the provider, run once. See provider-choice.ts.
import * as ort from 'onnxruntime-node';
import { Graph } from '../graph/graph';
import { add } from '../graph/ops/elementwise';
import { selectProvider, type ProviderChoice, type ProviderSelection } from './provider-choice';
import { createSession, type ProviderName } from './session-options';

/** Create and run a one-node graph on `provider`; throws with the runtime's reason if it cannot. */
export async function probeProvider(provider: ProviderName): Promise<void> {
  const g = new Graph({ name: 'probe', dtype: 'float32' });
  const x = g.input('x', 'float32', [1, 4]);
  g.output(add(x, x), 'y');
  const session = await createSession(g.serialize(), undefined, { provider, threads: 1, disableCpuFallback: provider !== 'cpu', quiet: true });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [1, 4]) });
    const y = out.y!.data as Float32Array;
    if (y[3] !== 8) throw new Error(`the provider computed ${y[3]} for 4 + 4`);
  } finally {
    await session.release();
  }
}

/** Select a provider on this machine (probing with real sessions). */
export function selectProviderHere(choice: ProviderChoice): Promise<ProviderSelection> {
  return selectProvider(choice, probeProvider);
}
