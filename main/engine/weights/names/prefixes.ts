// Where each part of an SD 1.x / 2.x checkpoint lives in the LDM single-file key layout: the one definition the
// name tables (keys start with `scope.`) and the model builders (a Scope rooted at `scope`) both use.
// Ref: CompVis/stable-diffusion configs/stable-diffusion/v1-inference.yaml (the LatentDiffusion submodules).

export const UNET_SCOPE = 'model.diffusion_model';
export const TEXT_SCOPE = 'cond_stage_model.transformer.text_model';
export const VAE_SCOPE = 'first_stage_model';
/** SD 2.x's OpenCLIP text encoder (open_clip's layout under the LatentDiffusion text submodule). */
export const OPEN_CLIP_SCOPE = 'cond_stage_model.model';

/** The prefix every key of that part starts with. */
export const UNET_PREFIX = `${UNET_SCOPE}.`;
export const TEXT_PREFIX = `${TEXT_SCOPE}.`;
export const VAE_PREFIX = `${VAE_SCOPE}.`;
export const OPEN_CLIP_PREFIX = `${OPEN_CLIP_SCOPE}.`;
/** Every text-encoder key, CLIP (SD 1.x) or OpenCLIP (SD 2.x). */
export const TEXT_MODEL_PREFIX = 'cond_stage_model.';
