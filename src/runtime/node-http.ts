import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * node:http and node:https loaded with require(), not an ESM import. An ESM import reads every
 * export of a built-in module, and node:http's lazy getters (its WebSocket and friends) then load
 * undici: measured on Node 24, `import 'node:http'` adds 14 MiB of RSS, `require('node:http')` 3.6
 * (issue 14). Types still come from `import type`, which costs nothing at run time.
 */
export const http: typeof import('node:http') = require('node:http');
export const https: typeof import('node:https') = require('node:https');
