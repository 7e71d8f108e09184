// The Content-Security-Policy sent as a response header (E-03, W-08) for the UI: scripts only from the app
// itself, no eval, no plugins, no framing, no base-URI tricks. Images: the app, data: URLs (live previews)
// and blob:, plus the image scheme in Electron. No inline scripts or styles (the UI sets styles through the
// CSSOM, which CSP does not restrict).
export interface CspOptions {
  /** Extra image sources (Electron: 'studio-image:'). */
  imageSources?: readonly string[];
  /** Extra connect sources (web mode: the WebSocket origins, spelled out for older CSP 'self' semantics). */
  connectSources?: readonly string[];
}

export function contentSecurityPolicy(opts: CspOptions = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob: ${(opts.imageSources ?? []).join(' ')}`.trim(),
    "font-src 'self'",
    `connect-src 'self' ${(opts.connectSources ?? []).join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every UI response carries besides the CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};
