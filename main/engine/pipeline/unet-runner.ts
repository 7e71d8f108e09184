// Runs one UNet evaluation as the schedule says, wiring the segment sessions together and keeping the
// features that caching reuses:
//   full     head → downHi → core → upHi → tail; remembers the input of the last block (upHi's `h`)
//   shallow  head → tail, the tail reading the remembered features (DeepCache's branch 0)
//   skip     the previous noise prediction, bit for bit
// Pruned evaluations use the DaTo variants of the full-resolution segments (downHi, upHi, tail).
import * as ort from 'onnxruntime-node';
import { DEFAULT_PRUNE_RATIO, type StepKind } from '../../../preload/contract/vocabulary';
import type { GraphVariant, Sd1Model } from '../models/sd1-model';
import { PRUNABLE_SEGMENTS, SEGMENT_ORDER, type SegmentName } from '../models/unet/partition';
import { ACTIVATION_IN, ACTIVATION_OUT } from '../models/unet/unet';
import type { SessionCache } from '../runtime/session-cache';
import { floatTensor, tensorToFloat32 } from '../runtime/tensors';

export interface UNetInputs {
  /** Latent batch [rows, C, h, w] (rows = 2 × images with guidance). */
  readonly x: Float32Array;
  /** One timestep per row. */
  readonly timesteps: readonly number[];
  /** Text conditioning [rows, L, D]. */
  readonly context: Float32Array;
  readonly contextLength: number;
}

export interface PruningInputs {
  /** Tokens to prune per pruned block (⌊ratio·N⌋). */
  readonly count: number;
  /** Base tokens for the block whose input is named `inputName` (`dato_base.<block>`). */
  readonly baseTokens: (inputName: string) => BigInt64Array;
}

export interface EvaluationStats { readonly segments: readonly SegmentName[]; readonly prunedBlocks: number }

function disposeDeviceTensor(t: ort.Tensor | undefined): void {
  if (t && t.location === 'gpu-buffer') t.dispose();
}

export class UNetRunner {
  private deepFeatures: ort.Tensor | undefined;
  private lastEps: Float32Array | undefined;

  constructor(
    private readonly model: Sd1Model,
    private readonly sessions: SessionCache,
    private readonly variant: Omit<GraphVariant, 'shapes'>,
    readonly rows: number,
    readonly latentHeight: number,
    readonly latentWidth: number,
  ) {}

  /** Forget cached features (a new generation starts). */
  reset(): void {
    disposeDeviceTensor(this.deepFeatures);
    this.deepFeatures = undefined;
    this.lastEps = undefined;
  }

  private sessionKey(segment: SegmentName, pruned: boolean, contextLength: number): string {
    const shape = this.variant.dynamic ? 'dyn' : `${this.rows}x${this.latentHeight}x${this.latentWidth}x${contextLength}`;
    return `unet.${segment}|${this.variant.dtype}|${shape}|${pruned ? 'dato' : 'plain'}`;
  }

  private session(segment: SegmentName, pruned: boolean, contextLength: number): Promise<ort.InferenceSession> {
    const variant: GraphVariant = {
      ...this.variant,
      shapes: { batch: this.rows, height: this.latentHeight, width: this.latentWidth, contextLength },
    };
    const example = Math.floor(DEFAULT_PRUNE_RATIO * this.latentHeight * this.latentWidth);
    return this.sessions.get(this.sessionKey(segment, pruned, contextLength),
      () => this.model.unetSegment(segment, variant, pruned ? example : undefined), ['eps']);
  }

  /** Create every session a schedule will need, so load time is not counted as sampling time. */
  async prepare(kinds: readonly StepKind[], pruned: readonly boolean[], contextLength: number): Promise<void> {
    const wanted = new Set<string>();
    kinds.forEach((kind, k) => {
      if (kind === 'skip') return;
      for (const seg of this.segmentsFor(kind)) wanted.add(`${seg}|${pruned[k] && PRUNABLE_SEGMENTS.has(seg) ? 1 : 0}`);
    });
    for (const w of wanted) {
      const [seg, p] = w.split('|') as [SegmentName, string];
      await this.session(seg, p === '1', contextLength);
    }
  }

  private segmentsFor(kind: StepKind): SegmentName[] {
    const nonEmpty = SEGMENT_ORDER.filter((s) => this.model.partition[s].to > this.model.partition[s].from);
    return kind === 'full' ? nonEmpty : kind === 'shallow' ? ['head', 'tail'] : [];
  }

  async evaluate(kind: StepKind, inputs: UNetInputs, pruning?: PruningInputs): Promise<{ eps: Float32Array; stats: EvaluationStats }> {
    if (kind === 'skip' || (kind === 'shallow' && !this.deepFeatures)) {
      if (kind === 'skip' && this.lastEps) return { eps: this.lastEps, stats: { segments: [], prunedBlocks: 0 } };
      kind = 'full'; // nothing cached yet: an honest full evaluation instead of an error
    }
    const { rows, latentHeight: h, latentWidth: w } = this;
    const channels = this.model.unet.inChannels;
    const values = new Map<string, ort.Tensor>([
      ['x', floatTensor(this.variant.dtype, inputs.x, [rows, channels, h, w])],
      ['timestep', new ort.Tensor('float32', Float32Array.from(inputs.timesteps), [rows])],
      ['context', floatTensor(this.variant.dtype, inputs.context, [rows, inputs.contextLength, this.model.unet.contextDim])],
    ]);
    if (pruning) values.set('dato_count', new ort.Tensor('int64', BigInt64Array.of(BigInt(pruning.count)), [1]));

    const segments = this.segmentsFor(kind);
    let prunedBlocks = 0;
    for (const segment of segments) {
      if (segment === 'tail' && kind === 'full') {
        if (this.deepFeatures !== values.get(ACTIVATION_IN)) disposeDeviceTensor(this.deepFeatures);
        this.deepFeatures = values.get(ACTIVATION_IN);
      }
      if (segment === 'tail' && kind === 'shallow') values.set(ACTIVATION_IN, this.deepFeatures!);
      const pruned = pruning !== undefined && PRUNABLE_SEGMENTS.has(segment);
      const session = await this.session(segment, pruned, inputs.contextLength);
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of session.inputNames) {
        if (name.startsWith('dato_base.')) {
          const base = pruning!.baseTokens(name);
          feeds[name] = new ort.Tensor('int64', base, [rows, base.length / rows]);
          prunedBlocks++;
          continue;
        }
        const v = values.get(name);
        if (!v) throw new Error(`UNet segment ${segment} needs "${name}", which no earlier segment produced`);
        feeds[name] = v;
      }
      const out = await session.run(feeds);
      for (const [name, t] of Object.entries(out)) values.set(name === ACTIVATION_OUT ? ACTIVATION_IN : name, t);
    }
    const eps = tensorToFloat32(values.get('eps')!);
    this.lastEps = eps;
    // intermediate results left in GPU memory are freed now, except the features the next steps reuse
    for (const t of values.values()) if (t !== this.deepFeatures) disposeDeviceTensor(t);
    return { eps, stats: { segments, prunedBlocks } };
  }
}
