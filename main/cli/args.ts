// A small strict argument parser: known flags only, typed values, one-line errors (exit code 2).

export class UsageError extends Error {}

/** `repeated`: a string flag that may be given several times (collected in order). */
export type FlagType = 'string' | 'number' | 'integer' | 'boolean' | 'repeated';
export type FlagSpec = Readonly<Record<string, FlagType>>;
export type ParsedFlags = Record<string, string | number | boolean | string[]>;

export function parseFlags(argv: readonly string[], spec: FlagSpec): ParsedFlags {
  const out: ParsedFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const type = spec[name];
    if (!type) throw new UsageError(`unknown option --${name}`);
    if (name in out && type !== 'repeated') throw new UsageError(`--${name} is given twice`);
    if (type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (type === 'string') { out[name] = value; continue; }
    if (type === 'repeated') { out[name] = [...((out[name] as string[] | undefined) ?? []), value]; continue; }
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${value}"`);
    if (type === 'integer' && !Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
    out[name] = n;
  }
  return out;
}

export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join('|')}, got "${value}"`);
  return value as T;
}
