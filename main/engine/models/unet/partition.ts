// How the UNet is cut into sessions. DeepCache's shallow step needs the first and the last block on their
// own (head, tail); DaTo's pruned variants replace only the blocks at full latent resolution (downHi, upHi,
// tail), so the deep middle (core) — nearly all of the weights — exists once, whatever the variant.
//   head   time embedding + input_blocks[0]
//   downHi input blocks before the first downsample (full resolution)
//   core   everything from the first downsample to the last upsample
//   upHi   full-resolution output blocks except the last
//   tail   the last output block + `out`
import { outputBlockScale, type UNetConfig } from './config';
import { unetStages, type SegmentRange } from './unet';

export type SegmentName = 'head' | 'downHi' | 'core' | 'upHi' | 'tail';
export const SEGMENT_ORDER: readonly SegmentName[] = ['head', 'downHi', 'core', 'upHi', 'tail'];

export type UNetPartition = Readonly<Record<SegmentName, SegmentRange>>;

export function partitionUNet(config: UNetConfig): UNetPartition {
  const stages = unetStages(config);
  const firstDown = config.inputBlocks.findIndex((b) => b.kind === 'down');
  const nIn = config.inputBlocks.length;
  const lastOut = config.outputBlocks.length - 1;
  let firstFullResOut = lastOut;
  while (firstFullResOut > 0 && outputBlockScale(config, firstFullResOut - 1) === 1) firstFullResOut--;
  const down = firstDown < 0 ? nIn : firstDown;
  const upStart = nIn + 1 + firstFullResOut;
  const tailStart = stages.length - 1;
  return {
    head: { from: 0, to: 1 },
    downHi: { from: 1, to: down },
    core: { from: down, to: upStart },
    upHi: { from: upStart, to: tailStart },
    tail: { from: tailStart, to: stages.length },
  };
}

/** Segments holding blocks where DaTo prunes. */
export const PRUNABLE_SEGMENTS: ReadonlySet<SegmentName> = new Set(['downHi', 'upHi', 'tail']);
