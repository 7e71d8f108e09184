// Runs one UNet evaluation as the schedule says, wiring the segment sessions together and keeping the
// features that caching reuses:
//   full     head → downHi → core → upHi → tail; remembers core's output and the input of the last block
//   medium   head → downHi → upHi → tail, upHi reading the remembered core output (every full-resolution
//            block is recomputed; only the deep middle is reused)
//   shallow  head → tail, the tail reading the remembered features (DeepCache's branch 0)
//   skip     the previous noise prediction, bit for bit
// Pruned evaluations use the DaTo variants of the full-resolution segments (downHi, upHi, tail).
import * as ort from 'onnxruntime-node';
import { DEFAULT_PRUNE_RATIO, type StepKind } from '../../../preload/contract/vocabulary';
import { ForecastHistory } from '../accel/forecast';
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

/** Picks a step's kind from the head's output (the first segment; it runs before the decision). */
export type KindChooser = (headOutput: Float32Array) => StepKind;

export interface Evaluation {
  /** The kind that ran (a cheaper kind with nothing cached yet runs full). */
  readonly kind: StepKind;
  readonly eps: Float32Array;
  readonly stats: EvaluationStats;
}

function disposeDeviceTensor(t: ort.Tensor | undefined): void {
  if (t && t.location === 'gpu-buffer') t.dispose();
}

export class UNetRunner {
  private deepFeatures: ort.Tensor | undefined;
  private coreOutput: ort.Tensor | undefined;
  private lastEps: Float32Array | undefined;
  private readonly coreHistory = new ForecastHistory();
  private readonly deepHistory = new ForecastHistory();

  constructor(
    private readonly model: Sd1Model,
    private readonly sessions: SessionCache,
    private readonly variant: Omit<GraphVariant, 'shapes'>,
    readonly rows: number,
    readonly latentHeight: number,
    readonly latentWidth: number,
    /** Extrapolate reused features to the current timestep instead of repeating them. */
    private readonly forecast = false,
  ) {}

  /** Forget cached features (a new generation starts). */
  reset(): void {
    disposeDeviceTensor(this.deepFeatures);
    disposeDeviceTensor(this.coreOutput);
    this.deepFeatures = undefined;
    this.coreOutput = undefined;
    this.lastEps = undefined;
    this.coreHistory.reset();
    this.deepHistory.reset();
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
    switch (kind) {
      case 'full': return nonEmpty;
      case 'medium': return nonEmpty.filter((s) => s !== 'core');
      case 'shallow': return ['head', 'tail'];
      case 'skip': return [];
    }
  }

  /**
   * One evaluation. `request` is the step's kind, or a rule that picks it from the head's output (the
   * head runs first; adaptive schedules decide there). With `forecast` on, a medium or shallow step reads
   * the reused features extrapolated to this timestep from the last two steps that computed them
   * (CPU tensors only: device-resident features are reused as they are).
   */
  async evaluate(request: StepKind | KindChooser, inputs: UNetInputs, pruning?: PruningInputs): Promise<Evaluation> {
    const { rows, latentHeight: h, latentWidth: w } = this;
    const channels = this.model.unet.inChannels;
    const t = inputs.timesteps[0]!;
    const values = new Map<string, ort.Tensor>([
      ['x', floatTensor(this.variant.dtype, inputs.x, [rows, channels, h, w])],
      ['timestep', new ort.Tensor('float32', Float32Array.from(inputs.timesteps), [rows])],
      ['context', floatTensor(this.variant.dtype, inputs.context, [rows, inputs.contextLength, this.model.unet.contextDim])],
    ]);
    if (pruning) values.set('dato_count', new ort.Tensor('int64', BigInt64Array.of(BigInt(pruning.count)), [1]));
    let prunedBlocks = 0;
    const run = async (segment: SegmentName): Promise<void> => {
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
      for (const [name, tensor] of Object.entries(out)) values.set(name === ACTIVATION_OUT ? ACTIVATION_IN : name, tensor);
    };

    let kind: StepKind;
    let headDone = false;
    if (typeof request === 'function') {
      await run('head');
      headDone = true;
      kind = request(tensorToFloat32(values.get(ACTIVATION_IN)!));
    } else {
      kind = request;
    }
    if ((kind === 'skip' && !this.lastEps) || (kind === 'shallow' && !this.deepFeatures) || (kind === 'medium' && !this.coreOutput)) {
      kind = 'full'; // nothing cached yet: an honest full evaluation instead of an error
    }
    if (kind === 'skip') {
      this.dispose(values);
      return { kind, eps: this.lastEps!, stats: { segments: headDone ? ['head'] : [], prunedBlocks: 0 } };
    }

    const segments = this.segmentsFor(kind);
    // a medium step feeds the remembered core output to the first segment after core
    const afterCore = segments.find((s) => SEGMENT_ORDER.indexOf(s) > SEGMENT_ORDER.indexOf('core'));
    for (const segment of segments) {
      if (segment === 'head' && headDone) continue;
      if (kind === 'medium' && segment === afterCore) this.replaceActivation(values, this.reused(this.coreOutput!, this.coreHistory, t));
      if (segment === 'tail' && kind !== 'shallow') {
        this.deepFeatures = this.keep(this.deepFeatures, values.get(ACTIVATION_IN));
        this.remember(this.deepHistory, t, this.deepFeatures!);
      }
      if (segment === 'tail' && kind === 'shallow') this.replaceActivation(values, this.reused(this.deepFeatures!, this.deepHistory, t));
      await run(segment);
      if (segment === 'core') {
        this.coreOutput = this.keep(this.coreOutput, values.get(ACTIVATION_IN));
        this.remember(this.coreHistory, t, this.coreOutput!);
      }
    }
    const eps = tensorToFloat32(values.get('eps')!);
    this.lastEps = eps;
    this.dispose(values);
    return { kind, eps, stats: { segments, prunedBlocks } };
  }

  /** Intermediate results left in GPU memory are freed, except the features the next steps reuse. */
  private dispose(values: ReadonlyMap<string, ort.Tensor>): void {
    for (const t of values.values()) if (t !== this.deepFeatures && t !== this.coreOutput) disposeDeviceTensor(t);
  }

  private remember(history: ForecastHistory, t: number, tensor: ort.Tensor): void {
    if (this.forecast && tensor.location === 'cpu') history.push(t, tensorToFloat32(tensor));
  }

  /** The remembered tensor, or with forecasting its extrapolation to `t`. */
  private reused(tensor: ort.Tensor, history: ForecastHistory, t: number): ort.Tensor {
    const predicted = this.forecast && tensor.location === 'cpu' ? history.at(t) : undefined;
    return predicted ? floatTensor(this.variant.dtype, predicted, tensor.dims) : tensor;
  }

  /** Feed a remembered tensor as the running activation; the one it replaces is not needed any more. */
  private replaceActivation(values: Map<string, ort.Tensor>, remembered: ort.Tensor): void {
    const replaced = values.get(ACTIVATION_IN);
    if (replaced && replaced !== this.deepFeatures && replaced !== this.coreOutput) disposeDeviceTensor(replaced);
    values.set(ACTIVATION_IN, remembered);
  }

  /** Replace a remembered tensor, freeing the old one's device memory. */
  private keep(old: ort.Tensor | undefined, next: ort.Tensor | undefined): ort.Tensor | undefined {
    if (old !== next) disposeDeviceTensor(old);
    return next;
  }
}
