// Prefix rename rules between the diffusers and the original (LDM) key layouts, applied in either
// direction. A rule renames a block prefix (`down_blocks.0.resnets.1.` <-> `input_blocks.2.0.`) and,
// optionally, the first component inside that block (`norm1.` <-> `in_layers.0.`).
// Ref: diffusers scripts/convert_diffusers_to_original_stable_diffusion.py (prefix pairs built in loops);
// stable-diffusion.cpp src/name_conversion.cpp (the same idea in C++).

/** `[ldm, diffusers]` name fragments. */
export type RenamePair = readonly [ldm: string, diffusers: string];

export interface PrefixRule {
  readonly ldm: string;
  readonly diffusers: string;
  /** Renames of the fragment right after the prefix. For diffusers -> LDM every pair is tried (legacy
   *  spellings included); for LDM -> diffusers the first pair with a matching LDM fragment wins. */
  readonly inner?: readonly RenamePair[];
}

export class PrefixRules {
  // Longest prefix first, so a rule is never shadowed by a shorter one that happens to match too.
  private readonly byDiffusers: readonly PrefixRule[];
  private readonly byLdm: readonly PrefixRule[];

  constructor(rules: readonly PrefixRule[]) {
    this.byDiffusers = [...rules].sort((a, b) => b.diffusers.length - a.diffusers.length);
    this.byLdm = [...rules].sort((a, b) => b.ldm.length - a.ldm.length);
  }

  /** LDM name for a diffusers name (both relative to their component), or undefined when no rule matches. */
  toLdm(name: string): string | undefined {
    for (const rule of this.byDiffusers) {
      if (!name.startsWith(rule.diffusers)) continue;
      return rule.ldm + renameInner(name.slice(rule.diffusers.length), rule.inner, 'toLdm');
    }
    return undefined;
  }

  /** Diffusers name for an LDM name, or undefined when no rule matches. */
  toDiffusers(name: string): string | undefined {
    for (const rule of this.byLdm) {
      if (!name.startsWith(rule.ldm)) continue;
      return rule.diffusers + renameInner(name.slice(rule.ldm.length), rule.inner, 'toDiffusers');
    }
    return undefined;
  }
}

function renameInner(rest: string, inner: readonly RenamePair[] | undefined, direction: 'toLdm' | 'toDiffusers'): string {
  for (const [ldm, diffusers] of inner ?? []) {
    const [from, to] = direction === 'toLdm' ? [diffusers, ldm] : [ldm, diffusers];
    if (rest.startsWith(from)) return to + rest.slice(from.length);
  }
  return rest;
}

/** Block indices that occur in names matching `pattern` (whose first group is the index). */
export function indicesIn(names: Iterable<string>, pattern: RegExp): Set<number> {
  const found = new Set<number>();
  for (const name of names) {
    const match = pattern.exec(name);
    if (match?.[1] !== undefined) found.add(Number(match[1]));
  }
  return found;
}

/** 1 + the largest index in `names` matching `pattern`, or 0 when none does. */
export function countOf(names: Iterable<string>, pattern: RegExp): number {
  return Math.max(-1, ...indicesIn(names, pattern)) + 1;
}
