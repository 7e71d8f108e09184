// The UNet cut into sessions (head · downHi · core · upHi · tail) must compute exactly what the whole UNet
// computes: caching and pruning swap segments, so a wrong skip connection would corrupt every accelerated
// image. Checked on the tiny-sd1 reference (SD 1.5's block structure): the wiring (every skip a segment
// reads is produced by an earlier one), then numbers (segments chained as UNetRunner chains them == the
// one-graph UNet == the official ldm output).
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, test } from 'vitest';
import { maxAbsDiff } from '../../../main/common/stats';
import { Sd1Model, type GraphVariant } from '../../../main/engine/models/sd1-model';
import { SEGMENT_ORDER } from '../../../main/engine/models/unet/partition';
import { ACTIVATION_IN, ACTIVATION_OUT, segmentIO, skipName, unetStages } from '../../../main/engine/models/unet/unet';
import { createSession } from '../../../main/engine/runtime/session-options';
import { openCheckpoint } from '../../../main/engine/weights/checkpoint';
import { refArray } from '../../helpers/numeric';
import { tinyRefDir } from '../../helpers/paths';

describe('UNet partition (tiny-sd1 reference)', () => {
  let model: Sd1Model;
  beforeAll(async () => {
    model = new Sd1Model(await openCheckpoint(join(tinyRefDir, 'model.safetensors')));
  });

  test('segments tile the block sequence in order, and DaTo\'s full-resolution blocks are outside the core', () => {
    const stages = unetStages(model.unet).length; // 12 input + middle + 12 output
    let at = 0;
    for (const name of SEGMENT_ORDER) {
      expect(model.partition[name].from, name).toBe(at);
      at = model.partition[name].to;
    }
    expect(at).toBe(stages);
    // SD 1.5 layout: input_blocks 1-2 are full resolution; output_blocks 9-10 are, 11 is the tail
    expect(model.partition).toEqual({
      head: { from: 0, to: 1 }, downHi: { from: 1, to: 3 }, core: { from: 3, to: 22 }, upHi: { from: 22, to: 24 }, tail: { from: 24, to: 25 },
    });
  });

  test('every skip a segment reads is produced by an earlier segment and not yet consumed', () => {
    const available = new Set<number>();
    for (const name of SEGMENT_ORDER) {
      const io = segmentIO(model.unet, model.partition[name]);
      for (const i of io.skipsIn) expect(available.has(i), `${name} reads skip_${i}`).toBe(true);
      for (const i of io.skipsOut) available.add(i);
    }
    // the shallow step runs head + tail only: the tail must read nothing but the head's skip and the cached h
    expect(segmentIO(model.unet, model.partition.tail).skipsIn).toEqual(segmentIO(model.unet, model.partition.head).skipsOut);
  });

  test('segments chained == the whole UNet == the official ldm output', async () => {
    const x = refArray('unet_call0_x.npy');
    const context = refArray('unet_call0_context.npy');
    const eps = refArray('unet_call0_eps.npy');
    const [, , h, w] = x.shape as [number, number, number, number];
    const variant: GraphVariant = { dtype: 'float32', dynamic: false, shapes: { batch: 1, height: h, width: w, contextLength: context.shape[1]! } };
    const feeds = new Map<string, ort.Tensor>([
      ['x', new ort.Tensor('float32', x.data, x.shape)],
      ['timestep', new ort.Tensor('float32', Float32Array.from(refArray('unet_call0_t.npy').data), [1])],
      ['context', new ort.Tensor('float32', context.data, context.shape)],
    ]);
    const run = async (graph: ReturnType<Sd1Model['unetWhole']>): Promise<Record<string, ort.Tensor>> => {
      const session = await createSession(graph.bytes, graph.weightsRoot, { provider: 'cpu', threads: 2 });
      try {
        return await session.run(Object.fromEntries(session.inputNames.map((n) => {
          const v = feeds.get(n);
          if (!v) throw new Error(`${graph.graph.name} needs "${n}", which no earlier segment produced`);
          return [n, v];
        })));
      } finally {
        await session.release();
      }
    };

    const whole = (await run(model.unetWhole(variant))).eps!.data as Float32Array;
    for (const name of SEGMENT_ORDER) {
      const out = await run(model.unetSegment(name, variant));
      for (const [n, t] of Object.entries(out)) feeds.set(n === ACTIVATION_OUT ? ACTIVATION_IN : n, t);
      if (name === 'head') expect(Object.keys(out)).toContain(skipName(0));
    }
    const chained = feeds.get('eps')!.data as Float32Array;

    const segmentsVsWhole = maxAbsDiff(chained, whole);
    const wholeVsReference = maxAbsDiff(whole, eps.data);
    console.log(`UNet segments chained vs whole: max |Δ| ${segmentsVsWhole.toExponential(2)}; whole vs ldm: ${wholeVsReference.toExponential(2)}`);
    expect(segmentsVsWhole).toBeLessThan(1e-5);
    expect(wholeVsReference).toBeLessThan(1e-4);
  });
});
