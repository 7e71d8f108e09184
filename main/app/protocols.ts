// The two privileged schemes (E-02, E-03): studio://app/… serves the built UI from the app's own folder
// (never file://), with the CSP as a response header; studio-image://image/<id>/<variant> serves library
// images by generation id (the UI never names a path). registerSchemes() must run before app 'ready'.
import type { Protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_SCHEME, IMAGE_SCHEME } from '../../preload/contract';
import type { GalleryService } from '../services/gallery-service';
import type { SourceImagesService } from '../services/source-images-service';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../web/csp';
import { parseImagePath, parseSourcePath } from '../web/image-route';
import { resolveStaticFile } from '../web/static-files';
import { APP_HOST } from '../ipc/sender-check';

export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

const CSP = contentSecurityPolicy({ imageSources: [`${IMAGE_SCHEME}:`] });

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', json: 'application/json',
  svg: 'image/svg+xml', png: 'image/png', webp: 'image/webp', ico: 'image/x-icon', woff2: 'font/woff2', woff: 'font/woff', map: 'application/json',
};

function typeOf(file: string): string {
  return TYPES[file.slice(file.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
}

const notFound = (): Response => new Response('Not found', { status: 404, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain' } });

export function registerSchemes(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function handleProtocols(protocol: Pick<Protocol, 'handle'>, rendererDir: string, gallery: GalleryService,
  sources?: Pick<SourceImagesService, 'filePath'>): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return notFound();
    const file = await resolveStaticFile(rendererDir, url.pathname);
    if (!file) return notFound();
    return new Response(await readFile(file), {
      headers: { ...SECURITY_HEADERS, 'Content-Security-Policy': CSP, 'Content-Type': typeOf(file) },
    });
  });
  protocol.handle(IMAGE_SCHEME, async (request) => {
    const url = new URL(request.url);
    const image = url.host === 'image' ? parseImagePath(`/images${url.pathname}`) : null;
    // studio-image://source/<id>: an image-to-image source picture or mask (issue 9)
    const source = url.host === 'source' ? parseSourcePath(`/images/sources${url.pathname}`) : null;
    const file = image ? gallery.filePath(image.id, image.variant) : source !== null ? sources?.filePath(source) ?? null : null;
    if (!file) return notFound();
    try {
      return new Response(await readFile(file), { headers: { ...SECURITY_HEADERS, 'Content-Type': typeOf(file) } });
    } catch {
      return notFound();
    }
  });
}
