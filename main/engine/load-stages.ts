// The words for what the engine does before a job's first step (engine-protocol.ts LoadStage): the user
// sees them while a multi-GB model loads for the first time, instead of a bare "Loading".
import type { LoadStage } from './engine-protocol';

const MODEL_STAGES = {
  header: 'Reading the model header',
  weights: 'Preparing fp32 copies of the weights (first load only, cached)',
  tokenizer: 'Loading the tokenizer',
} as const;

export function providerStage(choice: string): LoadStage {
  return { stage: 'provider', label: choice === 'auto' ? 'Choosing the execution provider' : `Starting the ${choice.toUpperCase()} execution provider` };
}

export function modelStage(stage: keyof typeof MODEL_STAGES): LoadStage {
  return { stage, label: MODEL_STAGES[stage] };
}

/** Session keys look like `text|float32|dyn`, `vae|…`, `unet.<segment>|float32|dyn|dato`. */
function graphName(key: string): string {
  const [head = '', , , pruning] = key.split('|');
  if (head === 'text') return 'text encoder';
  if (head === 'vae') return 'VAE decoder';
  const segment = head.startsWith('unet.') ? head.slice('unet.'.length).replaceAll('_', ' ') : head;
  return `UNet ${segment}${pruning === 'dato' ? ', token-pruned' : ''}`;
}

export function sessionStage(key: string, phase: 'graph' | 'session'): LoadStage {
  const name = graphName(key);
  return phase === 'graph'
    ? { stage: 'graph', label: `Building the graph: ${name}` }
    : { stage: 'session', label: `Creating the session: ${name}` };
}
