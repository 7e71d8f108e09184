// Where image-to-image sampling starts for a denoising strength s ∈ (0, 1]: which steps of the N-step schedule
// run, and so the noise level the input latent is brought to (Scheduler.addNoise at evaluation 0).
//
// DDIM and PLMS, by timestep (ldm scripts/img2img.py; A1111 sd_samplers_timesteps.py):
//   t_enc = int(s·N) steps run: the last t_enc steps of the N-step schedule (first step index N − t_enc).
//   ldm noises the latent to ddim_timesteps[t_enc] (stochastic_encode), one DDIM step *above* the first step it
//   runs (decode starts at ddim_timesteps[t_enc − 1]); A1111 noises to the timestep of the first step it runs.
//   We follow A1111: the input is at exactly the level the first step expects. At least one step runs (ldm runs
//   none for s·N < 1 and returns the noised input; diffusers refuses).
// Euler, Euler a, DPM++ 2M (Karras), by sigma (k-diffusion via A1111 sd_samplers_kdiffusion.py sample_img2img,
// setup_img2img_steps without "fix steps"):
//   t_enc = int(min(s, 0.999)·N); sigma_sched = sigmas[N − t_enc − 1:], so t_enc + 1 steps run, from
//   sigmas[N − t_enc − 1] of the N-step schedule; the input is x0 + sigma_sched[0]·noise.
// Hires fix ("fix steps", A1111 setup_img2img_steps with steps given): the second pass runs exactly the steps
// asked for, out of a schedule of int(steps / min(s, 0.999)) steps (at most 1000), starting where that leaves them.
// Strength 1 starts from pure noise for every sampler, exactly as text-to-image with the same seed (diffusers'
// inpainting rule for the maximum strength). A1111 clamps s to 0.999 and so keeps a trace of the image at 1.0;
// ldm fails there (ddim_timesteps has no index N).
import { EngineError } from '../errors';
import { createScheduler } from '../schedulers/index';
import type { SamplerName } from '../schedulers/scheduler';

export interface Img2ImgStart {
  /** Steps of the whole schedule the run is cut from (the requested steps, or more with exact steps). */
  readonly scheduleSteps: number;
  /** Index of the first step to run in the N-step schedule. */
  readonly startStep: number;
  /** Steps that run (N − startStep). */
  readonly stepsRun: number;
  /** True at strength 1: the input image is ignored and sampling starts from the seed's noise. */
  readonly pureNoise: boolean;
}

const BY_SIGMA: ReadonlySet<SamplerName> = new Set(['euler', 'euler_a', 'dpmpp_2m', 'dpmpp_2m_karras']);

export function checkStrength(strength: number): void {
  if (!(strength > 0 && strength <= 1)) {
    throw new EngineError('invalid-parameters', `The denoising strength must be more than 0 and at most 1, got ${strength}.`);
  }
}

/** `exactSteps`: run exactly `steps` steps (hires fix) instead of the part of a `steps`-step schedule. */
export function img2imgStart(sampler: SamplerName, steps: number, strength: number, exactSteps = false): Img2ImgStart {
  checkStrength(strength);
  if (strength === 1) return { scheduleSteps: steps, startStep: 0, stepsRun: steps, pureNoise: true };
  if (exactSteps) {
    const scheduleSteps = Math.min(1000, Math.max(steps, Math.floor(steps / Math.min(strength, 0.999))));
    return { scheduleSteps, startStep: scheduleSteps - steps, stepsRun: steps, pureNoise: false };
  }
  const stepsRun = BY_SIGMA.has(sampler)
    ? Math.floor(Math.min(strength, 0.999) * steps) + 1
    : Math.max(1, Math.floor(strength * steps));
  return { scheduleSteps: steps, startStep: steps - stepsRun, stepsRun, pureNoise: false };
}

/** UNet evaluations image-to-image runs (the length an acceleration plan must have; PLMS adds one). */
export function img2imgEvaluations(sampler: SamplerName, steps: number, strength: number, exactSteps = false): number {
  const s = img2imgStart(sampler, steps, strength, exactSteps);
  return createScheduler(sampler, { steps: s.scheduleSteps, start: s.startStep }).timesteps.length;
}
