// Where eps/v comes from: a diffusers scheduler config, an A1111-style <name>.yaml, a sidecar config.json,
// modelspec metadata, else the family's default (SD1 eps, SD2 v).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPrediction } from '../../../../main/engine/models/prediction-hint';
import type { TensorIndex } from '../../../../main/engine/weights/tensor-index';

function singleFile(files: Record<string, string>, metadata: Record<string, string> = {}): TensorIndex {
  const dir = mkdtempSync(join(tmpdir(), 'pred-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { source: { kind: 'single-file', path: join(dir, 'model.safetensors') }, tensors: new Map(), metadata };
}

describe('detectPrediction', () => {
  it('defaults: SD 1.x eps, SD 2.x v (768-v)', () => {
    expect(detectPrediction(singleFile({}), 'sd1').prediction).toBe('eps');
    const sd2 = detectPrediction(singleFile({}), 'sd2');
    expect(sd2.prediction).toBe('v');
    expect(sd2.source).toMatch(/--prediction eps/);
  });

  it('reads an ldm YAML next to the file (v2-inference-v.yaml vs v2-inference.yaml)', () => {
    const v = detectPrediction(singleFile({ 'model.yaml': 'model:\n  params:\n    parameterization: "v"\n    linear_start: 0.00085\n' }), 'sd2');
    expect(v).toEqual({ prediction: 'v', source: 'model.yaml' });
    expect(detectPrediction(singleFile({ 'model.yaml': 'model:\n  params:\n    linear_start: 0.00085\n' }), 'sd2').prediction).toBe('eps');
  });

  it('reads a sidecar config.json and modelspec metadata', () => {
    expect(detectPrediction(singleFile({ 'config.json': '{"parameterization": "eps"}' }), 'sd2').prediction).toBe('eps');
    expect(detectPrediction(singleFile({ 'config.json': '{"prediction_type": "v_prediction"}' }), 'sd1').prediction).toBe('v');
    expect(detectPrediction(singleFile({}, { 'modelspec.prediction_type': 'epsilon' }), 'sd2').prediction).toBe('eps');
    expect(detectPrediction(singleFile({ 'config.json': 'not json' }), 'sd1').prediction).toBe('eps');
  });

  it.skipIf(process.platform === 'win32')('ignores sidecars that are not small regular files inside the folder (FIFO, link out, too big)', () => {
    const fifo = singleFile({});
    execFileSync('mkfifo', [join(fifo.source.path, '..', 'model.yaml')]); // would block a plain read forever
    expect(detectPrediction(fifo, 'sd2')).toMatchObject({ prediction: 'v', source: expect.stringMatching(/^default/) as unknown });
    const outside = singleFile({});
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'pred-out-')), 'v.yaml');
    writeFileSync(elsewhere, 'parameterization: "eps"\n');
    symlinkSync(elsewhere, join(outside.source.path, '..', 'model.yaml'));
    expect(detectPrediction(outside, 'sd2').prediction).toBe('v');
    const big = singleFile({ 'config.json': `{"parameterization": "eps", "pad": "${'x'.repeat(2 ** 20)}"}` });
    expect(detectPrediction(big, 'sd2').prediction).toBe('v');
  });

  it('reads a diffusers folder scheduler config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pred-'));
    mkdirSync(join(dir, 'scheduler'));
    writeFileSync(join(dir, 'scheduler', 'scheduler_config.json'), '{"prediction_type": "v_prediction"}');
    const index: TensorIndex = { source: { kind: 'diffusers', path: dir }, tensors: new Map(), metadata: {} };
    expect(detectPrediction(index, 'sd1')).toEqual({ prediction: 'v', source: 'scheduler/scheduler_config.json' });
  });
});
