// The add-ons of the model library (issue 11): LoRAs, textual-inversion embeddings and standalone VAEs. A file
// is imported in place (dialog, dropped path, every .safetensors of a folder) or uploaded into the app's
// folder (web mode); its kind and metadata come from the engine's bounded checker (inspectAddon: header and
// metadata only, pickles refused), its A1111 short hash is computed once, and a `NAME.preview.png` next to it
// becomes a small thumbnail. For a generation the service turns library ids and `<lora:name:w>` prompt tags
// into the engine's LoRA / embedding / VAE paths, and the engine's report into what the image applied.
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, extname, join, resolve, sep } from 'node:path';
import sharp from 'sharp';
import type {
  AddonDto, AddonInfoDto, AddonKind, AppliedAddonsDto, GenerateParams, JobParamsDto,
} from '../../preload/contract';
import { LIMITS } from '../../preload/contract';
import type { AddonRecord, AddonsRepo } from '../db/addons-repo';
import {
  addonHashes, EngineError, extractLoraTags, type AddonInfo, type GenerateRequest, type GenerateResult, type LoraChoice,
} from '../engine/index';
import { importUpload, uploadFileName, writeUpload } from './model-upload';
import { notFound, ServiceError } from './service-error';

/** Preview images A1111 and Civitai helpers put next to a file, in the order A1111 looks for them. */
const PREVIEW_SUFFIXES = ['.preview.png', '.png', '.preview.jpg', '.jpg', '.preview.jpeg', '.jpeg', '.preview.webp', '.webp'];
const PREVIEW_PX = 160;
/** A preview image uploaded for an add-on (web mode): `NAME.preview.png` and the like, at most this big. */
const PREVIEW_UPLOAD = /^(.+)\.preview\.(png|jpe?g|webp)$/i;
const MAX_PREVIEW_UPLOAD_BYTES = 32 * 1024 ** 2;
/** A folder import stops here: more files than this are not one user's add-on folder. */
const MAX_FOLDER_FILES = 500;

export interface AddonsServiceOptions {
  repo: AddonsRepo;
  /** The engine's bounded checker (Engine.inspectAddon): null for a checkpoint or an unknown file. */
  inspect(path: string): Promise<AddonInfo | null>;
  /** Uploaded add-ons live here. */
  dir: string;
}

/** The parts of a generation request the add-ons decide (the prompt without its `<lora:…>` tags). */
export type AddonRequest = Pick<GenerateRequest, 'prompt' | 'loras' | 'vae' | 'embeddings' | 'clipSkip'>;

const stemOf = (path: string): string => basename(path, extname(path));

function infoDto(info: AddonInfo): AddonInfoDto {
  switch (info.kind) {
    case 'lora': return {
      kind: 'lora', layout: info.layout, modules: info.modules, adapters: info.adapters, rank: info.rank ?? null,
      baseModel: info.baseModel ?? null, madeFor: info.madeFor ?? null, triggerWords: info.triggerWords, unknownKeys: info.unknownKeys,
    };
    case 'embedding': return { kind: 'embedding', trigger: info.trigger, vectors: info.vectors, width: info.width, madeFor: info.madeFor ?? null };
    case 'vae': return { kind: 'vae', layout: info.layout, tensors: info.tensors };
  }
}

/** A1111's short hash of one add-on file (the same numbers the engine writes into the PNG). */
async function shortHash(kind: AddonKind, path: string): Promise<string> {
  const h = await addonHashes(kind === 'lora' ? [path] : [], kind === 'vae' ? path : undefined, kind === 'embedding' ? [path] : []);
  const hash = kind === 'lora' ? h.loras[0]?.hash : kind === 'vae' ? h.vae?.hash : h.embeddings?.[0]?.hash;
  if (!hash) throw new Error(`no hash for ${path}`);
  return hash;
}

/** `NAME.preview.png` (or another known preview name) next to the file, as a small PNG data URL. */
async function previewOf(path: string): Promise<string | null> {
  const stem = path.slice(0, -extname(path).length);
  for (const suffix of PREVIEW_SUFFIXES) {
    const candidate = stem + suffix;
    const st = await stat(candidate).catch(() => null);
    if (!st?.isFile() || st.size > 64 * 1024 * 1024) continue;
    try {
      const png = await sharp(candidate, { limitInputPixels: 64 * 1024 * 1024 })
        .resize(PREVIEW_PX, PREVIEW_PX, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
      return `data:image/png;base64,${png.toString('base64')}`;
    } catch {
      continue; // not an image sharp can read: no preview rather than a failed import
    }
  }
  return null;
}

export class AddonsService {
  constructor(private readonly opts: AddonsServiceOptions) {}

  private isManaged(path: string): boolean {
    return resolve(path).startsWith(resolve(this.opts.dir) + sep);
  }

  toDto(r: AddonRecord): AddonDto {
    return {
      id: r.id, kind: r.kind, name: r.name, fileName: basename(r.path), hash: r.hash, info: r.info as AddonInfoDto, preview: r.preview,
      sizeBytes: r.sizeBytes, managedCopy: this.isManaged(r.path), addedAt: r.addedAt,
    };
  }

  list(): AddonDto[] {
    return this.opts.repo.list().map((r) => this.toDto(r));
  }

  private get(id: number): AddonRecord {
    const r = this.opts.repo.get(id);
    if (!r) throw notFound('This LoRA, embedding or VAE');
    return r;
  }

  /** Check one file with the bounded checker and add it (refused: pickle, checkpoint, wrong or unknown file). */
  async importPath(path: string, fileName = basename(path)): Promise<AddonDto> {
    const absolute = resolve(path);
    const info = await this.opts.inspect(absolute);
    if (!info) {
      throw new EngineError('model-unsupported',
        `“${fileName}” is not a LoRA, textual-inversion embedding or VAE (a checkpoint is imported on the Checkpoints tab).`);
    }
    const hash = await shortHash(info.kind, absolute);
    const twin = this.opts.repo.list().find((a) => a.kind === info.kind && a.hash === hash && resolve(a.path) !== absolute);
    if (twin) throw new ServiceError('invalid-request', `“${fileName}” is already in your library as “${twin.name}” (the same file); it was not imported again.`);
    const st = await stat(absolute);
    const record = this.opts.repo.add({
      kind: info.kind, name: stemOf(absolute), path: absolute, info: { ...infoDto(info) }, hash, preview: await previewOf(absolute),
      sizeBytes: st.size, fileMtime: Math.round(st.mtimeMs),
    });
    return this.toDto(record);
  }

  /** Every .safetensors add-on in a folder and its subfolders; files that are not add-ons are skipped. */
  async importFolder(dir: string): Promise<AddonDto[]> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.safetensors')).map((e) => join(e.parentPath, e.name));
    if (files.length > MAX_FOLDER_FILES) throw new ServiceError('invalid-request', `${basename(dir)} holds ${files.length} .safetensors files; import at most ${MAX_FOLDER_FILES} at once.`);
    const imported: AddonDto[] = [];
    const refused: string[] = [];
    for (const file of files) {
      try {
        imported.push(await this.importPath(file));
      } catch (err) {
        refused.push(err instanceof Error ? err.message : String(err));
      }
    }
    if (imported.length === 0) {
      throw new ServiceError('invalid-request', refused.length ? `Nothing in ${basename(dir)} was imported: ${refused[0]}${refused.length > 1 ? ` (and ${refused.length - 1} more)` : ''}` : `${basename(dir)} holds no .safetensors files.`);
    }
    return imported;
  }

  /**
   * Web mode: stream the upload into the add-ons folder, then check it (removed again if refused). A
   * `NAME.preview.png` (.jpg, .webp) becomes the preview of the uploaded add-on NAME, as it would next to the file.
   */
  async importUpload(requestedName: string, body: AsyncIterable<Uint8Array>, maxBytes?: number): Promise<AddonDto> {
    const preview = PREVIEW_UPLOAD.exec(requestedName.replaceAll('\\', '/').split('/').pop() ?? '');
    if (preview) return this.uploadPreview(preview[1]!, preview[2]!.toLowerCase(), body);
    return importUpload(this.opts.dir, requestedName, body, maxBytes, (path, name) => this.importPath(path, name));
  }

  private async uploadPreview(stem: string, ext: string, body: AsyncIterable<Uint8Array>): Promise<AddonDto> {
    const target = this.opts.repo.list().find((a) => this.isManaged(a.path) && stemOf(a.path) === stemOf(uploadFileName(`${stem}.safetensors`)));
    if (!target) throw new ServiceError('invalid-request', `“${stem}.preview.${ext}” is a preview image, but no uploaded add-on is named “${stem}”: upload ${stem}.safetensors first (or with it).`);
    const base = target.path.slice(0, -extname(target.path).length);
    for (const suffix of PREVIEW_SUFFIXES) await rm(base + suffix, { force: true });
    // the old previews are gone, so the free name is exactly NAME.preview.EXT
    await writeUpload(this.opts.dir, `${basename(base)}.preview.${ext}`, body, MAX_PREVIEW_UPLOAD_BYTES);
    const image = await previewOf(target.path);
    if (!image) {
      await rm(`${base}.preview.${ext}`, { force: true });
      throw new ServiceError('invalid-request', `“${stem}.preview.${ext}” is not an image DaTo Studio can read.`);
    }
    const { id: _id, addedAt: _addedAt, ...fields } = target;
    return this.toDto(this.opts.repo.add({ ...fields, preview: image }));
  }

  async remove(id: number): Promise<AddonDto[]> {
    const r = this.get(id);
    this.opts.repo.remove(id);
    if (this.isManaged(r.path)) {
      const base = r.path.slice(0, -extname(r.path).length);
      await Promise.all([r.path, ...PREVIEW_SUFFIXES.filter((s) => s.startsWith('.preview')).map((s) => base + s)].map((p) => rm(p, { force: true })));
    }
    return this.list();
  }

  /** Unknown ids fail when a job is queued, not when it runs. */
  check(p: Pick<GenerateParams, 'loras' | 'vaeId'>): void {
    for (const l of p.loras ?? []) if (this.get(l.addonId).kind !== 'lora') throw new ServiceError('invalid-request', `Add-on ${l.addonId} is not a LoRA.`);
    if (p.vaeId != null && this.get(p.vaeId).kind !== 'vae') throw new ServiceError('invalid-request', `Add-on ${p.vaeId} is not a VAE.`);
  }

  /**
   * What the engine runs for these parameters: the picked LoRAs plus those of `<lora:name:w>` tags (found in
   * the library by name, exact first, then in any case; a tag naming a picked LoRA sets its weights), the prompt without
   * the tags, the library embeddings whose trigger is in a prompt, the VAE and clip skip.
   */
  forGeneration(p: Pick<JobParamsDto, 'prompt' | 'negativePrompt' | 'loras' | 'vaeId' | 'clipSkip'>): AddonRequest {
    const all = this.opts.repo.list();
    const loras: LoraChoice[] = (p.loras ?? []).map((l) => ({ path: this.get(l.addonId).path, unet: l.unet, text: l.text }));
    const { prompt, tags } = extractLoraTags(p.prompt);
    for (const tag of tags) {
      const found = all.find((a) => a.kind === 'lora' && a.name === tag.name) ?? all.find((a) => a.kind === 'lora' && a.name.toLowerCase() === tag.name.toLowerCase());
      if (!found) throw new EngineError('invalid-parameters', `The prompt asks for <lora:${tag.name}>, but the library has no LoRA named “${tag.name}”: import it on the Models screen (LoRAs).`);
      const choice = { path: found.path, unet: tag.unet, text: tag.text };
      const same = loras.findIndex((l) => l.path === found.path);
      if (same >= 0) loras[same] = choice; else loras.push(choice);
    }
    if (loras.length > LIMITS.maxLoras) throw new EngineError('invalid-parameters', `At most ${LIMITS.maxLoras} LoRAs can be used at once.`);
    const text = `${prompt}\n${p.negativePrompt}`.toLowerCase();
    const embeddings = all.filter((a) => a.kind === 'embedding' && text.includes(stemOf(a.path).toLowerCase())).map((a) => a.path);
    const vae = p.vaeId != null ? this.get(p.vaeId).path : undefined;
    return {
      prompt, ...(loras.length ? { loras } : {}), ...(embeddings.length ? { embeddings } : {}), ...(vae ? { vae } : {}),
      ...(p.clipSkip && p.clipSkip > 1 ? { clipSkip: p.clipSkip } : {}),
    };
  }
}

/** What a generation applied, from the engine's report (LoRA reports and hashes are in the same order). */
export function appliedAddons(request: AddonRequest, result: Pick<GenerateResult, 'loras' | 'addons'>): AppliedAddonsDto | null {
  const loras = result.loras.map((report, i) => {
    const choice = request.loras?.find((l) => l.path === report.path);
    return {
      name: result.addons.loras[i]?.name ?? stemOf(report.path), hash: result.addons.loras[i]?.hash ?? '',
      unet: choice?.unet ?? 1, text: choice?.text ?? 1, applied: report.applied, modules: report.modules,
      unmatched: report.unmatched.count, unmatchedExamples: report.unmatched.examples,
    };
  });
  const clipSkip = request.clipSkip ?? 1;
  const embeddings = result.addons.embeddings ?? [];
  const vae = result.addons.vae ?? null;
  if (loras.length === 0 && embeddings.length === 0 && vae === null && clipSkip === 1) return null;
  return { loras, embeddings, vae, clipSkip };
}

/** What makes two generations' add-ons the same picture-wise (files and weights; not the match counts). */
export function addonsIdentity(applied: AppliedAddonsDto | null): string {
  if (!applied) return '';
  return JSON.stringify([
    applied.loras.map((l) => [l.hash, l.unet, l.text]), applied.embeddings.map((e) => e.hash), applied.vae?.hash ?? null, applied.clipSkip,
  ]);
}
