// The recovery page's one state-changing request obeys the app's rules: loopback Host only, no foreign
// Origin, the session token; a restore without any backup answers with the reason and changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILE_NAME } from '../../../main/db/index';
import { startRecoveryServer, type RecoveryServer } from '../../../main/web/recovery-server';

let dir: string;
let server: RecoveryServer;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dato-recovery-'));
  writeFileSync(join(dir, DATABASE_FILE_NAME), 'damaged');
  server = await startRecoveryServer({ dataDir: dir, problem: 'The library database is damaged.' });
});
afterEach(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });

function post(headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: '/recovery/restore', method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('recovery server', () => {
  it('refuses a foreign Host, a foreign Origin and a missing or wrong token', async () => {
    const host = `127.0.0.1:${server.port}`;
    expect((await post({ Host: `evil.example:${server.port}`, Authorization: `Bearer ${server.token}` })).status).toBe(403);
    expect((await post({ Host: host, Origin: 'https://evil.example', Authorization: `Bearer ${server.token}` })).status).toBe(403);
    expect((await post({ Host: host })).status).toBe(401);
    expect((await post({ Host: host, Authorization: `Bearer ${'0'.repeat(64)}` })).status).toBe(401);
  });

  it('with no backup, answers why and leaves the library file alone', async () => {
    const r = await post({ Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: false, message: expect.stringMatching(/There is no backup of the library/) });
    expect(readFileSync(join(dir, DATABASE_FILE_NAME), 'utf8')).toBe('damaged');
  });
});
