// Which execution provider runs, as the Settings screen shows it. Detection happens in an engine
// thread/process, never here: main must not load onnxruntime-node. A probe is a one-step 64×64 run of the
// embedded demo model with the chosen provider (auto tries CUDA → DirectML → WebGPU → CPU); every real
// generation also reports the provider it ran on, which updates the stored report.
import type { ProviderChoice, ProviderName, ProviderReportDto } from '../../preload/contract';
import type { AppStateRepo } from '../db/app-state-repo';
import { describeSelection, EngineError, type GenerateRequest, type GenerateResult } from '../engine/index';

type Selection = GenerateResult['provider'];

export function reportFromSelection(choice: ProviderChoice, selection: Selection, at = Date.now()): ProviderReportDto {
  return {
    choice, candidates: selection.attempts.map((a) => a.provider as ProviderName), selected: selection.provider as ProviderName,
    attempts: selection.attempts.map((a) => ({ provider: a.provider as ProviderName, ok: a.ok, reason: a.reason })),
    summary: describeSelection(selection), detectedAt: at,
  };
}

export function probeRequest(demoModelPath: string, choice: ProviderChoice, threads: number | null): GenerateRequest {
  return {
    modelPath: demoModelPath, provider: choice, prompt: '', negativePrompt: '', sampler: 'ddim', steps: 1, cfg: 1, eta: 0,
    width: 64, height: 64, seed: 0, images: 1, accel: { mode: 'baseline' }, previewEvery: 0,
    ...(threads ? { threads } : {}),
  };
}

const REPORT_KEY = 'providers:last-report';

function isReport(v: unknown): v is ProviderReportDto {
  const r = v as ProviderReportDto | null;
  return typeof r === 'object' && r !== null && typeof r.summary === 'string' && Array.isArray(r.attempts) && Array.isArray(r.candidates);
}

export class ProviderReports {
  constructor(private readonly state: AppStateRepo) {}

  last(choice: ProviderChoice): ProviderReportDto {
    const stored = this.state.get(REPORT_KEY, isReport);
    if (stored && stored.choice === choice) return stored;
    return {
      choice, candidates: [], selected: null, attempts: [], detectedAt: null,
      summary: 'Not detected yet: the provider is chosen when the first image is generated (or press Detect).',
    };
  }

  record(choice: ProviderChoice, selection: Selection): ProviderReportDto {
    const report = reportFromSelection(choice, selection);
    this.state.set(REPORT_KEY, report);
    return report;
  }

  /** A forced provider that cannot start: recorded as such, so the UI can say why. */
  recordFailure(choice: ProviderChoice, err: EngineError): ProviderReportDto {
    const report: ProviderReportDto = {
      choice, candidates: [], selected: null, detectedAt: Date.now(), summary: err.message,
      attempts: choice === 'auto' ? [] : [{ provider: choice, ok: false, reason: err.message }],
    };
    this.state.set(REPORT_KEY, report);
    return report;
  }
}
