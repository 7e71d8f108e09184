// <lora:…> prompt tags (A1111 extra-network syntax) and the CLI's --lora PATH[:W[:W_TE]].
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLoraFlag } from '../../../../main/cli/generate';
import { withPromptLoras } from '../../../../main/engine/engine-service';
import type { GenerateRequest } from '../../../../main/engine/engine-protocol';
import { extractLoraTags, resolveLoraTag } from '../../../../main/engine/weights/lora/prompt-tags';

describe('extractLoraTags', () => {
  it('removes tags from the prompt; the first number is the text-encoder weight, the UNet weight defaults to it', () => {
    const r = extractLoraTags('a cat <lora:ink:0.8>, <lora:style> on a mat <lora:x:0.5:1.25> <lora:y:unet=0.3:te=0>');
    expect(r.prompt).toBe('a cat ,  on a mat  ');
    expect(r.tags).toEqual([
      { name: 'ink', text: 0.8, unet: 0.8 }, { name: 'style', text: 1, unet: 1 },
      { name: 'x', text: 0.5, unet: 1.25 }, { name: 'y', text: 0, unet: 0.3 },
    ]);
  });

  it('leaves prompts without tags unchanged and refuses a weight that is not a number', () => {
    expect(extractLoraTags('a <b> (c:1.2)').prompt).toBe('a <b> (c:1.2)');
    expect(() => extractLoraTags('<lora:ink:strong>')).toThrow(/not a number/);
  });

  it('resolves a name in the LoRA folders, or among the chosen LoRAs, and says where it looked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tags-'));
    writeFileSync(join(dir, 'ink.safetensors'), '');
    expect(resolveLoraTag({ name: 'ink', unet: 1, text: 0.5 }, [dir], [])).toEqual({ path: join(dir, 'ink.safetensors'), unet: 1, text: 0.5 });
    expect(resolveLoraTag({ name: 'b', unet: 2, text: 2 }, [], [{ path: '/x/b.safetensors', unet: 1, text: 1 }]).path).toBe('/x/b.safetensors');
    expect(() => resolveLoraTag({ name: 'missing', unet: 1, text: 1 }, [dir], [])).toThrow(/no missing\.safetensors in/);
  });

  it('a request: tags join the LoRA list (a tag for a chosen LoRA sets its weights) and leave the prompt', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tags-'));
    writeFileSync(join(dir, 'ink.safetensors'), '');
    const req = { prompt: 'cat <lora:ink:0.4> <lora:b:2>', loras: [{ path: '/x/b.safetensors', unet: 1, text: 1 }], loraDirs: [dir] } as unknown as GenerateRequest;
    const out = withPromptLoras(req);
    expect(out.prompt).toBe('cat  ');
    expect(out.loras).toEqual([{ path: '/x/b.safetensors', unet: 2, text: 2 }, { path: join(dir, 'ink.safetensors'), unet: 0.4, text: 0.4 }]);
  });
});

describe('--lora PATH[:W[:W_TE]]', () => {
  it('reads weights from the right and keeps drive letters in the path', () => {
    expect(parseLoraFlag('/m/a.safetensors')).toMatchObject({ unet: 1, text: 1 });
    expect(parseLoraFlag('/m/a.safetensors:0.7')).toMatchObject({ unet: 0.7, text: 0.7 });
    expect(parseLoraFlag('/m/a.safetensors:0.7:-0.2')).toMatchObject({ unet: 0.7, text: -0.2 });
    expect(parseLoraFlag('C:\\loras\\a.safetensors:0.5').path).toMatch(/C:\\loras\\a\.safetensors$/);
  });
});
