import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Built-in modules loaded with require(), not an ESM import. An ESM import reads every export of a
 * built-in module, and lazy getters then load what they stand for: node:http's WebSocket and
 * friends load undici (measured on Node 24: `import 'node:http'` adds 14 MiB of RSS,
 * `require('node:http')` 3.6), node:crypto's webcrypto (2.5 MiB against 0.1) (issue 14). Types
 * still come from `import type`, which costs nothing at run time.
 */
export const http: typeof import('node:http') = require('node:http');
export const https: typeof import('node:https') = require('node:https');
export const crypto: typeof import('node:crypto') = require('node:crypto');
