// A tiny strict schema library for the IPC contract: every payload that crosses from the UI into main (or into
// the web-mode server) is parsed by one of these, never trusted as-is (E-05, G-05, W-05).
// Parse, don't validate: a schema returns a fresh plain object built from the fields it knows, so prototype
// tricks (`__proto__`, class instances, getters) never reach a service. Unknown keys are errors, not ignored.
// No dependency on purpose: preload/ is bundled into a sandboxed preload and imported by the renderer.

export class ValidationError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path || 'payload'}: ${problem}`);
    this.name = 'ValidationError';
  }
}

/** Turns untrusted input into a T or throws ValidationError. */
export type Schema<T> = (value: unknown, path: string) => T;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

export function str(opts: { max: number; min?: number; pattern?: RegExp }): Schema<string> {
  return (v, path) => {
    if (typeof v !== 'string') throw new ValidationError(path, `expected a string, got ${describe(v)}`);
    if (v.length > opts.max) throw new ValidationError(path, `longer than ${opts.max} characters`);
    if (v.length < (opts.min ?? 0)) throw new ValidationError(path, `shorter than ${opts.min} characters`);
    if (v.includes('\0')) throw new ValidationError(path, 'contains a NUL character');
    if (opts.pattern && !opts.pattern.test(v)) throw new ValidationError(path, 'has an invalid format');
    return v;
  };
}

/** A finite number in [min, max] (NaN and ±Infinity are rejected). */
export function num(min: number, max: number): Schema<number> {
  return (v, path) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(path, `expected a finite number, got ${describe(v)}`);
    if (v < min || v > max) throw new ValidationError(path, `must be between ${min} and ${max}`);
    return v;
  };
}

/** A whole number in [min, max]. */
export function int(min: number, max: number, multipleOf = 1): Schema<number> {
  const base = num(min, max);
  return (v, path) => {
    const n = base(v, path);
    if (!Number.isInteger(n)) throw new ValidationError(path, 'must be a whole number');
    if (n % multipleOf !== 0) throw new ValidationError(path, `must be a multiple of ${multipleOf}`);
    return n;
  };
}

export const bool: Schema<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw new ValidationError(path, `expected true or false, got ${describe(v)}`);
  return v;
};

export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  return (v, path) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      throw new ValidationError(path, `must be one of ${values.join(', ')}`);
    }
    return v as T;
  };
}

/** Binary data (Electron IPC carries it by structured clone), at most `max` bytes, copied. */
export function bytes(opts: { max: number; min?: number }): Schema<Uint8Array> {
  return (v, path) => {
    if (!(v instanceof Uint8Array)) throw new ValidationError(path, `expected bytes, got ${describe(v)}`);
    if (v.byteLength > opts.max) throw new ValidationError(path, `larger than ${opts.max} bytes`);
    if (v.byteLength < (opts.min ?? 0)) throw new ValidationError(path, `smaller than ${opts.min} bytes`);
    return new Uint8Array(v);
  };
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return (v, path) => (v === null ? null : inner(v, path));
}

export function arrayOf<T>(item: Schema<T>, opts: { max: number; min?: number }): Schema<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) throw new ValidationError(path, `expected an array, got ${describe(v)}`);
    if (v.length > opts.max) throw new ValidationError(path, `more than ${opts.max} items`);
    if (v.length < (opts.min ?? 0)) throw new ValidationError(path, `fewer than ${opts.min} items`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
}

/** Marks a field of `object()` as optional: absent (or undefined) is allowed and left out of the result. */
export interface Optional<T> { readonly optional: Schema<T> }
export function optional<T>(inner: Schema<T>): Optional<T> {
  return { optional: inner };
}

type Fields = Record<string, Schema<unknown> | Optional<unknown>>;
type Out<F extends Fields> =
  { [K in keyof F as F[K] extends Schema<unknown> ? K : never]: F[K] extends Schema<infer T> ? T : never } &
  { [K in keyof F as F[K] extends Optional<unknown> ? K : never]?: F[K] extends Optional<infer T> ? T : never };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A plain object with exactly these fields (unknown keys, including `__proto__`, are rejected). */
export function object<F extends Fields>(fields: F): Schema<Out<F>> {
  return (v, path) => {
    if (!isPlainObject(v)) throw new ValidationError(path, `expected an object, got ${describe(v)}`);
    for (const key of Reflect.ownKeys(v)) {
      if (typeof key !== 'string' || !Object.hasOwn(fields, key)) {
        throw new ValidationError(path, `unknown field ${JSON.stringify(String(key)).slice(0, 80)}`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) {
      const desc = Object.getOwnPropertyDescriptor(v, key);
      if (desc && !('value' in desc)) throw new ValidationError(`${path}.${key}`, 'accessor properties are not allowed');
      const value = desc?.value;
      if ('optional' in field) {
        if (value !== undefined) out[key] = field.optional(value, `${path}.${key}`);
      } else {
        out[key] = field(value, `${path}.${key}`);
      }
    }
    return out as Out<F>;
  };
}

/** A tagged union: `{ [tag]: 'a', ... } | { [tag]: 'b', ... }`, each branch an object() schema. */
export function tagged<T>(tag: string, branches: Record<string, Schema<T>>): Schema<T> {
  return (v, path) => {
    const kind = isPlainObject(v) ? v[tag] : undefined;
    if (typeof kind !== 'string' || !Object.hasOwn(branches, kind)) {
      throw new ValidationError(`${path}.${tag}`, `must be one of ${Object.keys(branches).join(', ')}`);
    }
    return branches[kind]!(v, path);
  };
}

/** Adds a cross-field rule to a schema. */
export function refine<T>(inner: Schema<T>, rule: (value: T) => string | null): Schema<T> {
  return (v, path) => {
    const out = inner(v, path);
    const problem = rule(out);
    if (problem) throw new ValidationError(path, problem);
    return out;
  };
}

/** The no-argument payload: exactly `{}` (undefined is accepted and normalised to `{}`). */
export const empty: Schema<Record<string, never>> = (v, path) => {
  if (v === undefined) return {};
  return object({})(v, path) as Record<string, never>;
};
