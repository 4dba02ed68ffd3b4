// The analyzer's CLI module ships no types; scripts/docs.ts calls it programmatically (noWrite) for the drift check.
declare module '@custom-elements-manifest/analyzer/cli.js' {
  export function cli(opts?: { argv?: string[]; cwd?: string; noWrite?: boolean }): Promise<unknown>;
}
