// A fresh seed in the contract's range (0 … 2³²−1).
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}
