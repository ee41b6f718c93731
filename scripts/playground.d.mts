// Types of scripts/playground.mjs, for the TypeScript test that builds and serves the playground.
import type { Server } from 'node:http';

/** The data files copied into the site. */
export declare const DATA_FILES: string[];
/** Builds the playground into `out` (default build/playground/, emptied first); resolves with the files written. */
export declare function buildPlayground(out?: string): Promise<string[]>;
/** Serves `dir` on 127.0.0.1:`port` (0: any free port). */
export declare function servePlayground(dir?: string, port?: number): Promise<{ server: Server; url: string }>;
