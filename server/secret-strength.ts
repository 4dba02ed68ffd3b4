/**
 * A rough lower bound, in bits, on how hard a secret is to guess, judged from the string itself: the Shannon entropy
 * of its characters, and of the steps between neighbouring characters (so `abcdef…` and `abab…` score low however
 * long), whichever is lower, times its length. Length alone says nothing: 32 × "a" has none. A random
 * `openssl rand -base64 32` scores about 200; a 16-byte hex string about 115.
 */
export function estimatedSecretBits(secret: string): number {
  const chars = [...secret];
  const steps = chars.slice(1).map((c, i) => c.codePointAt(0)! - chars[i]!.codePointAt(0)!);
  return Math.min(shannon(chars), chars.length > 1 ? shannon(steps) * (chars.length / (chars.length - 1)) : 0) * chars.length;
}

function shannon(symbols: readonly unknown[]): number {
  const counts = new Map<unknown, number>();
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / symbols.length) * Math.log2(n / symbols.length);
  return bits;
}
