declare module '*.wasm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}

declare module '*.csv' {
  const text: string;
  export default text;
}

declare module '*.txt' {
  const text: string;
  export default text;
}

declare module '*.ppm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}

declare module '*.pgm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}

declare module '*.onnx' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}

/** The package version, substituted by the build. */
declare const PROXKIT_VERSION: string;
