// The `npm run web` command line: loopback only, so there is no option to bind elsewhere.
import { describe, expect, it } from 'vitest';
import { parseWebArgs } from '../../../main/web/start-web';

describe('parseWebArgs', () => {
  it('reads port, data dir and extra host names; refuses the rest', () => {
    expect(parseWebArgs(['--port', '8080', '--data-dir', '/tmp/x', '--allow-host', 'Box.local'])).toMatchObject({ port: 8080, dataDir: '/tmp/x', allowHosts: ['box.local'] });
    expect(() => parseWebArgs(['--port', '99999'])).toThrow();
    expect(() => parseWebArgs(['--host', '0.0.0.0'])).toThrow();
    expect(() => parseWebArgs(['--allow-host', 'a b'])).toThrow();
    expect(parseWebArgs(['--allow-origin', 'http://127.0.0.1:5173']).allowOrigins).toEqual(['http://127.0.0.1:5173']);
    expect(() => parseWebArgs(['--allow-origin', 'https://evil.example'])).toThrow();
  });
});
