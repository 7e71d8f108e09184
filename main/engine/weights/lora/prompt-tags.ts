// A1111's extra-network syntax for LoRAs in a prompt: `<lora:name>`, `<lora:name:te>`, `<lora:name:te:unet>`
// or named `te=`/`unet=` parameters (modules/extra_networks.py parse_prompt; Lora extension: the first
// number is the text-encoder multiplier and the UNet multiplier defaults to it). Tags are removed from the
// text before it is encoded; a name is the LoRA file's name without `.safetensors`.
import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { EngineError } from '../../errors';
import type { LoraChoice } from './apply-loras';

export interface LoraTag { readonly name: string; readonly unet: number; readonly text: number }

const TAG = /<lora:([^:>]+)((?::[^:>]*)*)>/g;

export function extractLoraTags(prompt: string): { prompt: string; tags: LoraTag[] } {
  const tags: LoraTag[] = [];
  const text = prompt.replace(TAG, (_, name: string, rest: string) => {
    const positional: number[] = [];
    const named = new Map<string, number>();
    for (const part of rest.split(':').slice(1)) {
      const [k, v] = part.includes('=') ? part.split('=', 2) as [string, string] : [undefined, part];
      const value = Number(v);
      if (v === undefined || v.trim() === '' || !Number.isFinite(value)) {
        throw new EngineError('invalid-parameters', `The prompt tag <lora:${name}${rest}> has a weight that is not a number ("${v ?? ''}").`);
      }
      if (k === undefined) positional.push(value); else named.set(k.trim(), value);
    }
    const te = named.get('te') ?? positional[0] ?? 1;
    tags.push({ name: name.trim(), text: te, unet: named.get('unet') ?? positional[1] ?? te });
    return '';
  });
  return { prompt: text, tags };
}

/** A tag's file: `<dir>/<name>.safetensors` in the given folders, or a chosen LoRA with that file name. */
export function resolveLoraTag(tag: LoraTag, dirs: readonly string[], chosen: readonly LoraChoice[]): LoraChoice {
  const byName = chosen.find((c) => basename(c.path, extname(c.path)) === tag.name);
  // A tag names a file in the folders, never a path: `<lora:../../x>` must not reach outside them.
  const plainName = tag.name !== '' && !/[\\/]/.test(tag.name) && tag.name !== '..';
  const path = byName?.path ?? (plainName ? dirs.map((d) => join(d, `${tag.name}.safetensors`)).find((p) => existsSync(p)) : undefined);
  if (!path) {
    throw new EngineError('invalid-parameters', `The prompt asks for <lora:${tag.name}>, but there is no ${tag.name}.safetensors${dirs.length ? ` in ${dirs.join(', ')}` : ''} (add the LoRA to the library, or pass it with --lora).`);
  }
  return { path, unet: tag.unet, text: tag.text };
}
