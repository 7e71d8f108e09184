// Hyperparameters a checkpoint's tensors cannot tell: attention head counts (a 320-wide layer may have 8
// heads of 40 or 5 of 64) and the latent scale. Real SD 1.x files never say, and the SD1 values are
// fixed (UNet 8 heads at every level, CLIP ViT-L/14 text 12 heads = width/64, scale 0.18215). Small or
// research models carry a sidecar `config.json` (ldm-style `unet.num_heads`, `text_encoder.num_attention_heads`)
// and diffusers folders have per-component configs (`unet/config.json` `attention_head_dim`, which in
// diffusers' SD1 configs is the head *count*).
// These files are untrusted: read only when they are regular files inside the model folder and small,
// parsed strictly, and every number is range-checked with a message naming the field. A sidecar that is
// not an ldm-style description (say, a transformers config left next to the file) is ignored with a notice:
// a stray file must never change how a model runs.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EngineError } from '../errors';
import { huggingFaceBlobs } from '../weights/diffusers-folder';
import { JsonNumber, StrictJsonError, parseStrictJson, plainJson, type JsonLimits, type JsonObject, type JsonValue } from '../weights/strict-json';
import type { TensorIndex } from '../weights/tensor-index';
import { UntrustedFileError, readContainedSmallFile } from '../weights/untrusted-file';
import { readCaptionGrammar, type CaptionGrammar } from './caption-grammar';

export interface ModelHints {
  /** UNet heads per attention layer (ldm `num_heads`), or undefined when `unetHeadChannels` is set. */
  unetHeads?: number;
  /** UNet channels per head (ldm `num_head_channels`, SD2-style). */
  unetHeadChannels?: number;
  textHeads?: number;
  scaleFactor: number;
  /** Native image size (square) if the model says so; SD1.x is 512. */
  imageSize?: number;
  /** What the user should know about how the model's files were read (a config file ignored, and why). */
  notices: string[];
  /** The captions it was trained on, when its config ships them (small research models; caption-grammar.ts). */
  captionGrammar?: CaptionGrammar;
}

export const SD1_SCALE_FACTOR = 0.18215;
/** Model configs are a few KB; anything bigger is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
const CONFIG_JSON_LIMITS: JsonLimits = { maxDepth: 16, maxValues: 100_000, maxArrayLength: 10_000, maxObjectEntries: 10_000 };
const MAX_HEADS = 1024;

/** One range rule per kind of number, phrased for the message. */
interface Rule { readonly min: number; readonly max: number; readonly integer: boolean; readonly multipleOf?: number; readonly unset?: number }
const HEADS: Rule = { min: 1, max: MAX_HEADS, integer: true };
const IMAGE_SIZE: Rule = { min: 64, max: 8192, integer: true, multipleOf: 8 };
const LATENT_SIZE: Rule = { min: 8, max: 1024, integer: true };
const SCALE: Rule = { min: Number.MIN_VALUE, max: 10, integer: false };

const isObject = (v: JsonValue | undefined): v is JsonObject => v instanceof Map;

/** Reads and checks the numbers of one config file, naming `file field` in every refusal. */
class ConfigFields {
  constructor(private readonly file: string) {}

  number(obj: JsonObject, key: string, rule: Rule, path = key): number | undefined {
    const value = obj.get(key);
    if (value === undefined || value === null) return undefined;
    const n = value instanceof JsonNumber ? Number(value.text) : NaN;
    if (rule.unset !== undefined && n === rule.unset) return undefined;
    const ok = Number.isFinite(n) && n >= rule.min && n <= rule.max && (!rule.integer || Number.isInteger(n))
      && (rule.multipleOf === undefined || n % rule.multipleOf === 0);
    if (!ok) {
      const shown = value instanceof JsonNumber ? value.text : JSON.stringify(value instanceof Map ? {} : value)?.slice(0, 40);
      const wanted = rule.integer ? `a whole number from ${rule.min} to ${rule.max}${rule.multipleOf ? ` (a multiple of ${rule.multipleOf})` : ''}`
        : `a number above 0 and at most ${rule.max}`;
      throw new EngineError('model-unsupported',
        `The model's ${this.file} sets ${path} to ${shown}; it must be ${wanted}${rule.unset !== undefined ? ` (or ${rule.unset} for "not set")` : ''}.`);
    }
    return n;
  }

  /** A number or a list of equal numbers (diffusers writes per-block lists). */
  numberOrFirst(obj: JsonObject, key: string, rule: Rule): number | undefined {
    const value = obj.get(key);
    if (!Array.isArray(value)) return this.number(obj, key, rule);
    if (value.length === 0) return undefined;
    return this.number(new Map([[key, value[0]!]]), key, rule, `${key}[0]`);
  }
}

/**
 * A config file of the model, or undefined when there is none. `unusable` decides what an unreadable file
 * (outside the folder, not a regular file, too big, not JSON) means: a refusal or a notice.
 */
function readConfig(file: string, roots: readonly string[], shownAs: string, unusable: (why: string) => void): JsonObject | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value = parseStrictJson(readContainedSmallFile(file, roots, MAX_CONFIG_BYTES).toString('utf8'), CONFIG_JSON_LIMITS);
    if (isObject(value)) return value;
    unusable(`${shownAs} is not a JSON object`);
  } catch (err) {
    if (err instanceof UntrustedFileError) unusable(`${shownAs} ${err.message}`);
    else if (err instanceof StrictJsonError) unusable(`${shownAs} is not valid JSON (${err.message})`);
    else throw err;
  }
  return undefined;
}

/** The sidecar shape of ldm-style configs (the reference fixtures, the demo model): a `unet` section in ldm terms. */
function isLdmSidecar(config: JsonObject): boolean {
  const unet = config.get('unet');
  if (!isObject(unet)) return false;
  if (['_class_name', 'architectures', 'model_type'].some((k) => config.has(k))) return false;
  return ['model_channels', 'num_heads', 'num_head_channels', 'channel_mult'].some((k) => unet.has(k));
}

export function readModelHints(index: TensorIndex): ModelHints {
  const hints: ModelHints = { scaleFactor: SD1_SCALE_FACTOR, notices: [] };
  if (index.source.kind === 'diffusers') {
    const root = index.source.path;
    const roots = [root, ...huggingFaceBlobs(root)];
    const component = (name: string): { config: JsonObject; fields: ConfigFields } => {
      const shownAs = `${name}/config.json`;
      const refuse = (why: string): never => {
        throw new EngineError('model-corrupt', `The diffusers folder "${root}" cannot be used: ${why}.`);
      };
      return { config: readConfig(join(root, name, 'config.json'), roots, shownAs, refuse) ?? new Map(), fields: new ConfigFields(shownAs) };
    };
    const unet = component('unet');
    const text = component('text_encoder');
    const vae = component('vae');
    const heads = unet.fields.numberOrFirst(unet.config, 'attention_head_dim', HEADS);
    if (heads !== undefined) hints.unetHeads = heads;
    const textHeads = text.fields.number(text.config, 'num_attention_heads', HEADS);
    if (textHeads !== undefined) hints.textHeads = textHeads;
    hints.scaleFactor = vae.fields.number(vae.config, 'scaling_factor', SCALE) ?? SD1_SCALE_FACTOR;
    const latentSize = unet.fields.number(unet.config, 'sample_size', LATENT_SIZE);
    if (latentSize !== undefined) hints.imageSize = latentSize * 8;
    return hints;
  }
  // The file's own safetensors `__metadata__` (strings) travels with the file when only the .safetensors is
  // copied or uploaded; a valid ldm-style sidecar config.json beside it wins.
  // A value out of range there is ignored with a notice (it is a hint, not the model's description).
  const metadata = new Map([...Object.entries(index.metadata)].map(([k, v]) => [k, new JsonNumber(v.trim())] as const));
  const metaFields = new ConfigFields('__metadata__');
  const metaNumber = (key: string, rule: Rule): number | undefined => {
    try { return metaFields.number(metadata, key, rule); } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      hints.notices.push(`Ignored the file's __metadata__ ${key}: ${err.message}`);
      return undefined;
    }
  };
  hints.scaleFactor = metaNumber('scale_factor', SCALE) ?? SD1_SCALE_FACTOR;
  const metaSize = metaNumber('image_size', IMAGE_SIZE);
  if (metaSize !== undefined) hints.imageSize = metaSize;
  const folder = dirname(index.source.path);
  const ignore = (why: string): void => { hints.notices.push(`Ignored the config.json next to the model: ${why}.`); };
  const sidecar = readConfig(join(folder, 'config.json'), [realpathSync(folder)], 'it', ignore);
  if (sidecar === undefined) return hints;
  if (!isLdmSidecar(sidecar)) {
    ignore('it is not an ldm-style model description (a "unet" section with model_channels or num_heads), so it does not describe this file');
    return hints;
  }
  const fields = new ConfigFields('config.json');
  const unet = sidecar.get('unet') as JsonObject;
  const text = sidecar.get('text_encoder');
  const headChannels = fields.number(unet, 'num_head_channels', { ...HEADS, unset: -1 }, 'unet.num_head_channels');
  const heads = fields.number(unet, 'num_heads', { ...HEADS, unset: -1 }, 'unet.num_heads');
  if (headChannels !== undefined) hints.unetHeadChannels = headChannels;
  else if (heads !== undefined) hints.unetHeads = heads;
  const textHeads = isObject(text) ? fields.number(text, 'num_attention_heads', HEADS, 'text_encoder.num_attention_heads') : undefined;
  if (textHeads !== undefined) hints.textHeads = textHeads;
  hints.scaleFactor = fields.number(sidecar, 'scale_factor', SCALE) ?? hints.scaleFactor;
  const hw = sidecar.get('image_hw');
  const size = fields.number(sidecar, 'image_size', IMAGE_SIZE)
    ?? (Array.isArray(hw) && hw.length > 0 ? fields.number(new Map([['image_hw', hw[0]!]]), 'image_hw', IMAGE_SIZE, 'image_hw[0]') : undefined);
  if (size !== undefined) hints.imageSize = size;
  const grammar = readCaptionGrammar(plainJson(sidecar.get('data')));
  if (grammar) hints.captionGrammar = grammar;
  return hints;
}
