// throwaway experiment (not committed)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { planAcceleration } from '../main/engine/accel/plan';
import { ModelRuntime } from '../main/engine/pipeline/model-runtime';
import { txt2img } from '../main/engine/pipeline/txt2img';
import { resolveResources } from '../main/engine/resources';
import { demoGrammarPrompts } from '../main/engine/accel/calibration-prompts';
import { readColours } from './colour-adherence';
import { loadEvalCaptions } from './demo-captions';
import { psnr } from '../main/common/stats';
import { estimatePlanCost } from '../main/engine/accel/cost';
import { foregroundColourShift } from '../main/engine/accel/foreground-colour';

const COL = new Set(['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'white', 'black']);
async function main() {
  const [genSeed, count, seedBase, candFile, outFile] = process.argv.slice(2);
  const res = resolveResources();
  const rt = await ModelRuntime.open(res.demoModel, { provider: 'cpu' }, { clipVocab: res.clipVocab });
  const { palette } = loadEvalCaptions(res.demoModel);
  const prompts = demoGrammarPrompts(Number(count), Number(genSeed));
  const want = prompts.map((p) => { const c = p.split(/[\s,]+/).filter((w) => COL.has(w)); return { shape: c[0], bg: c[c.length - 1] }; });
  const cands: { name: string; schedule?: string; steps?: number; pruneRatio?: number; mode?: string }[] = JSON.parse(readFileSync(candFile!, 'utf8'));
  const gen = async (i: number, c: { schedule?: string; steps?: number; pruneRatio?: number; mode?: string }) => {
    const steps = c.steps ?? 30;
    const accel = planAcceleration(c.schedule ? { mode: 'calibrated', schedule: c.schedule, pruneRatio: c.pruneRatio ?? 0 } : { mode: (c.mode ?? 'baseline') as any, ...((c as any).threshold ? { adaptiveThreshold: (c as any).threshold } : {}) }, steps);
    const r = await txt2img(rt, { prompt: prompts[i]!, negativePrompt: '', sampler: 'ddim', steps, cfg: 5, eta: 0, width: 128, height: 128, seed: Number(seedBase) + i, images: 1, accel, previewEvery: 0 });
    const mac = estimatePlanCost(rt.model, { ...accel, kinds: r.steps.map((s) => s.kind) }, 16, 16).macFraction * (steps / 30);
    return { rgb: r.images[0]!.rgb, loop: r.timings.unetLoop, mac };
  };
  const base = [] as { rgb: Uint8Array; loop: number }[];
  const baseOk: boolean[] = [];
  const baseCol: string[] = [];
  const cache = `/tmp/exp12q/base-${genSeed}-${count}-${seedBase}.bin`;
  const cached = existsSync(cache) ? readFileSync(cache) : null;
  const all: Buffer[] = [];
  for (let i = 0; i < prompts.length; i++) {
    const b = cached ? { rgb: new Uint8Array(cached.subarray(i * 49152, (i + 1) * 49152)), loop: 1.5 } : await gen(i, {}); base.push(b); all.push(Buffer.from(b.rgb));
    if (!cached) writeFileSync(`/tmp/exp12q/base-${genSeed}-${seedBase}-${i}.png.raw`, b.rgb);
    const rc = readColours(b.rgb, 128, 128, palette);
    baseOk.push(rc.background === want[i]!.bg && rc.shape === want[i]!.shape); baseCol.push(`${rc.shape}/${rc.background}`);
  }
  if (!cached) writeFileSync(cache, Buffer.concat(all));
  const out: any[] = [{ name: 'baseline', adherence: baseOk.filter(Boolean).length }];
  console.log(`baseline adherence ${baseOk.filter(Boolean).length}/${prompts.length}`);
  for (const c of cands) {
    const ps: number[] = []; const sh: number[] = []; let ok = 0; let same = 0; const lost: number[] = []; let macs = 0; let ratio = 0;
    for (let i = 0; i < prompts.length; i++) {
      const g = await gen(i, c);
      ps.push(Math.min(100, psnr(g.rgb, base[i]!.rgb))); sh.push(foregroundColourShift(g.rgb, base[i]!.rgb, 128, 128)); macs += g.mac; ratio += base[i]!.loop / g.loop;
      const rc = readColours(g.rgb, 128, 128, palette);
      const good = rc.background === want[i]!.bg && rc.shape === want[i]!.shape;
      if (good) ok++; if (`${rc.shape}/${rc.background}` === baseCol[i]) same++;
      if (baseOk[i] && !good) { lost.push(i); console.log(`   lost ${i} "${prompts[i]}" psnr ${ps[i]!.toFixed(1)} shift ${sh[i]!.toFixed(1)} read ${rc.shape}/${rc.background} base ${baseCol[i]}`); writeFileSync(`/tmp/exp12q/lost-${c.name}-${i}.raw`, g.rgb); }
    }
    const s = [...ps].sort((a, b) => a - b);
    const q = (f: number) => s[Math.floor(f * (s.length - 1))]!;
    const row = { name: c.name, mac: prompts.length / macs, speed: ratio / prompts.length, mean: ps.reduce((a, b) => a + b) / ps.length, p10: q(0.1), p25: q(0.25), min: s[0], adherence: ok, sameColours: same, lost, ps, sh };
    out.push(row);
    console.log(`${c.name.padEnd(28)} mac ${row.mac.toFixed(2)} t ${row.speed.toFixed(2)} mean ${row.mean.toFixed(2)} p10 ${row.p10.toFixed(1)} p25 ${row.p25.toFixed(1)} min ${row.min!.toFixed(1)} adh ${ok}/${prompts.length} same ${same} lost ${lost.join(' ')} shift mean ${(sh.reduce((a, b) => a + b) / sh.length).toFixed(2)} p90 ${[...sh].sort((a, b) => a - b)[Math.floor(0.9 * (sh.length - 1))]!.toFixed(1)} max ${Math.max(...sh).toFixed(1)}`);
  }
  writeFileSync(outFile!, JSON.stringify(out));
  await rt.dispose();
}
main().catch((e) => { console.error(e); process.exit(1); });
