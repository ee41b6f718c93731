/** JSON files imported as modules (esbuild and vitest load them natively); the value is the parsed JSON. */
declare module '*.json' {
  const value: unknown;
  export default value;
}
