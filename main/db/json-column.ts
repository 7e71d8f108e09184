// JSON columns: written with JSON.stringify, read back defensively. The schema's json_valid CHECK keeps
// malformed text out, so a parse failure here means the file was edited by hand; the row still loads.

export function toJsonColumn(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJsonColumn<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
