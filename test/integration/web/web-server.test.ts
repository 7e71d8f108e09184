// Web mode security and the contract over a real WebSocket (T-22/T-23/T-24 style): loopback only, token
// required (401), foreign Host (403, DNS rebinding), foreign Origin on the upgrade and on uploads (refused),
// traversal attempts (404, never a file), oversize frames (socket closed), remote-forbidden methods, and a
// generation driven end to end through the same client the UI uses.
import { request } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from '../../../main/web/web-server';
import { ApiError, createWebSocketClient, type SocketLike } from '../../../renderer/src/lib/api';
import type { JobDto, JobEvent, StudioApi } from '../../../preload/contract';
import { demoModelDir } from '../../helpers/paths';
import { openTestStudio, quickParams, type TestStudio } from '../services/studio-fixture';

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

function get(server: WebServer, path: string, headers: Record<string, string> = {}, method = 'GET', body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves with the HTTP status of a WebSocket handshake (101 = accepted). */
function upgradeStatus(server: WebServer, protocols: string[], headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, protocols, { headers });
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

describe('web mode server', () => {
  let t: TestStudio;
  let server: WebServer;
  let api: StudioApi;
  let ui: string;

  beforeAll(async () => {
    t = await openTestStudio();
    ui = join(t.dir, 'ui');
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>ui</title>');
    writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(t.dir, 'canary.txt'), 'SECRET');
    server = await startWebServer({ studio: t.studio, rendererDir: ui });
    api = createWebSocketClient({
      baseUrl: server.origin, token: server.token,
      socket: (url, protocols) => new WebSocket(url, protocols, { headers: { Origin: server.origin } }) as unknown as SocketLike,
    });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it('listens on loopback only, with a 256-bit token in the URL fragment', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
    expect(server.token).toHaveLength(64);
  });

  it('serves the UI with CSP and nosniff, and refuses foreign Host headers', async () => {
    const page = await get(server, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'.*frame-ancestors 'none'/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await get(server, '/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1.nip.io', `127.0.0.1:${server.port + 1}`]) {
      expect((await get(server, '/', { Host: host })).status).toBe(403);
    }
    expect((await get(server, '/', { Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('requires the session for images and the token for uploads (401), and never serves files outside the UI folder', async () => {
    expect((await get(server, '/images/1/full')).status).toBe(401);
    expect((await get(server, `/images/1/full?token=${server.token}`)).status).toBe(401); // never a token in a URL
    expect((await get(server, '/images/1/full', { Cookie: `dato-session-${server.port}=${'0'.repeat(64)}` })).status).toBe(401);
    const auth = { Authorization: `Bearer ${server.token}` };
    for (const path of [
      '/images/../canary.txt', '/images/%2e%2e%2fcanary.txt', '/images/1/..%2f..%2fcanary.txt',
      '/images/1/full%00', '/images/0x1/full', '/images/999999/full', '/images/1/original',
      '/../canary.txt', '/%2e%2e/canary.txt', '/..%5ccanary.txt', '/assets/..%2f..%2fcanary.txt', '/C:%5cWindows%5cwin.ini',
    ]) {
      const reply = await get(server, path, auth);
      expect([400, 404], path).toContain(reply.status);
      expect(reply.body.toString()).not.toContain('SECRET');
    }
    expect((await get(server, '/upload?name=x.safetensors', {}, 'POST', Buffer.from('x'))).status).toBe(401);
    expect((await get(server, '/image-parameters', {}, 'POST', Buffer.from('x'))).status).toBe(401);
  });

  it('exchanges the token once for an HttpOnly, SameSite=Strict image cookie; other sites cannot use it', async () => {
    expect((await get(server, '/session', {}, 'POST')).status).toBe(401);
    expect((await get(server, '/session', { Authorization: `Bearer ${server.token}`, Origin: 'https://evil.example' }, 'POST')).status).toBe(403);
    const reply = await get(server, '/session', { Authorization: `Bearer ${server.token}`, Origin: server.origin }, 'POST');
    expect(reply.status).toBe(204);
    const cookie = String(reply.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^dato-session-${server.port}=[0-9a-f]{64}; Path=/images/; HttpOnly; SameSite=Strict$`));
    expect(cookie).not.toContain(server.token);
    const pair = cookie.split(';')[0]!;
    expect((await get(server, '/images/999999/full', { Cookie: pair })).status).toBe(404); // authorised, no such image
    expect((await get(server, '/images/999999/full', { Cookie: pair, 'Sec-Fetch-Site': 'same-site' })).status).toBe(403);
  });

  it('refuses WebSocket upgrades with a foreign Origin or without the right token', async () => {
    const good = ['studio.v1', `studio-token.${server.token}`];
    expect(await upgradeStatus(server, good, { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(server, ['studio.v1'], { Origin: server.origin })).toBe(401);
    expect(await upgradeStatus(server, ['studio.v1', `studio-token.${'a'.repeat(64)}`], { Origin: server.origin })).toBe(401);
    expect(await upgradeStatus(server, good, { Origin: server.origin, Host: 'evil.example' })).toBe(403);
    expect(await upgradeStatus(server, good, { Origin: server.origin })).toBe(101);
  });

  it('serves the contract over the WebSocket, with remote limits and validation', async () => {
    const info = await api.system.info();
    expect(info).toMatchObject({ shell: 'web', capabilities: { dialogs: false, importByUpload: true } });
    expect((await api.models.list())[0]!.isDemo).toBe(true);
    await expect(api.models.importPath({ path: '/etc/passwd' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(api.settings.chooseOutputDir()).rejects.toMatchObject({ code: 'forbidden' });
    const bad = await api.generation.enqueue({ ...quickParams(), width: 4096 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad).toMatchObject({ code: 'invalid-request' });
    expect(t.studio.generation.queue.list()).toHaveLength(0);
    // Settings refuse what this machine cannot have, with a message
    if (process.platform !== 'win32') {
      await expect(api.settings.update({ executionProvider: 'dml' })).rejects.toMatchObject({ code: 'invalid-parameters', message: expect.stringMatching(/does not exist/) });
    }
    await expect(api.settings.update({ cpuThreads: 1024 })).rejects.toMatchObject({ message: expect.stringMatching(/between 1 and \d+/) });
    expect((await api.system.info()).providerChoices).toEqual(process.platform === 'win32' ? expect.arrayContaining(['auto', 'dml', 'cpu']) : expect.not.arrayContaining(['dml']));
  });

  it('closes a socket that sends an oversize frame', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, ['studio.v1', `studio-token.${server.token}`], { headers: { Origin: server.origin } });
    await new Promise((r) => ws.on('open', r));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.send(JSON.stringify({ id: 1, method: 'system.info', args: { pad: 'x'.repeat(300 * 1024) } }));
    expect(await closed).toBe(1009);
  });

  it('runs a generation end to end and serves its image by id', async () => {
    const events: JobEvent[] = [];
    const off = api.onJobEvent((e) => events.push(e));
    const [job] = await api.generation.enqueue(quickParams({ steps: 4 }));
    const done = await new Promise<JobDto>((resolve) => {
      const stop = api.onJobEvent((e) => { if (e.type === 'job' && e.job.id === job!.id && e.job.state === 'done') { stop(); resolve(e.job); } });
    });
    off();
    expect(events.some((e) => e.type === 'progress' && e.progress.preview !== null)).toBe(true);
    // the first load says what it is doing before the first step
    const stages = events.flatMap((e) => (e.type === 'job' && e.job.loadStage ? [e.job.loadStage] : []));
    expect(stages).toEqual(expect.arrayContaining(['Reading the model header']));
    expect(stages.some((s) => s.startsWith('Creating the session: UNet'))).toBe(true);
    expect(done.loadStage).toBeNull();
    const id = done.result!.generationId;
    expect(api.imageUrl(id, 'full')).toBe(`${server.origin}/images/${id}/full`); // no secret in the address
    const session = await get(server, '/session', { Authorization: `Bearer ${server.token}` }, 'POST');
    const cookie = { Cookie: String(session.headers['set-cookie']).split(';')[0]! };
    const image = await get(server, `/images/${id}/full`, cookie);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['x-content-type-options']).toBe('nosniff');
    expect(image.body.subarray(1, 4).toString()).toBe('PNG');
    const thumb = await get(server, `/images/${id}/thumb`, cookie);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await api.gallery.list({ limit: 5 })).items[0]!.id).toBe(id);
    // the image's own parameters come back through POST /image-parameters
    const read = await api.readImageParameters(new File([new Uint8Array(image.body)], 'dropped.png', { type: 'image/png' }));
    expect(read).toMatchObject({ source: 'dato-studio', prompt: done.params.prompt, seed: done.params.seed, steps: 4, accel: { mode: 'baseline' } });
    const notPng = await get(server, '/image-parameters', { Authorization: `Bearer ${server.token}` }, 'POST', Buffer.from('not an image'));
    expect(JSON.parse(notPng.body.toString())).toMatchObject({ ok: false, error: { code: 'image-invalid' } });
  });

  it('accepts a model upload with the token and refuses a cross-site one', async () => {
    const bytes = readFileSync(join(demoModelDir, 'model.safetensors'));
    const cross = await get(server, '/upload?name=m.safetensors', { Authorization: `Bearer ${server.token}`, Origin: 'https://evil.example' }, 'POST', bytes);
    expect(cross.status).toBe(403);
    const ok = await get(server, '/upload?name=uploaded.safetensors', { Authorization: `Bearer ${server.token}`, Origin: server.origin }, 'POST', bytes);
    expect(JSON.parse(ok.body.toString())).toMatchObject({ ok: true, value: { managedCopy: true, fileName: 'uploaded.safetensors' } });
    const pickle = await get(server, '/upload?name=m.ckpt', { Authorization: `Bearer ${server.token}` }, 'POST', Buffer.from('x'));
    expect(JSON.parse(pickle.body.toString())).toMatchObject({ ok: false, error: { code: 'model-pickle' } });
  });

  it('stores an image-to-image picture with the token (POST /source-images) and serves it with the image cookie only', async () => {
    const picture = await sharp({ create: { width: 40, height: 24, channels: 3, background: '#336699' } }).png().toBuffer();
    expect((await get(server, '/source-images?kind=image', {}, 'POST', picture)).status).toBe(401);
    expect((await get(server, '/source-images?kind=image', { Authorization: `Bearer ${server.token}`, Origin: 'https://evil.example' }, 'POST', picture)).status).toBe(403);
    expect((await get(server, '/source-images?kind=script', { Authorization: `Bearer ${server.token}` }, 'POST', picture)).status).toBe(400);
    const bad = await get(server, '/source-images?kind=mask', { Authorization: `Bearer ${server.token}` }, 'POST', Buffer.from('not an image'));
    expect(JSON.parse(bad.body.toString())).toMatchObject({ ok: false, error: { code: 'image-invalid', message: expect.stringMatching(/^The mask is not an image/) } });
    const stored = await api.storeSourceImage(new Blob([new Uint8Array(picture)]), 'image');
    expect(stored).toMatchObject({ kind: 'image', width: 40, height: 24 });
    expect(api.sourceImageUrl(stored.id)).toBe(`${server.origin}/images/sources/${stored.id}`);
    expect((await get(server, `/images/sources/${stored.id}`)).status).toBe(401);
    const session = await get(server, '/session', { Authorization: `Bearer ${server.token}` }, 'POST');
    const cookie = { Cookie: String(session.headers['set-cookie']).split(';')[0]! };
    const served = await get(server, `/images/sources/${stored.id}`, cookie);
    expect([served.status, served.headers['content-type']]).toEqual([200, 'image/png']);
    for (const path of ['/images/sources/999', '/images/sources/../canary.txt', '/images/sources/1/full']) {
      expect((await get(server, path, cookie)).status, path).toBe(404);
    }
  });
});
