declare module '*.wasm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}

declare module '*.csv' {
  const text: string;
  export default text;
}

/** The package version, substituted by the build. */
declare const PROXKIT_VERSION: string;
