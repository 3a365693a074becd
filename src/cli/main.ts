#!/usr/bin/env node
// The signal handlers come first, and everything else is loaded only after them. A static import
// would not do: Node fetches and parses a module's whole static import graph before it runs any of
// it, so handlers imported statically exist only once every module is loaded, and a SIGTERM to PID 1
// in that second or so is dropped (early-stop.ts says what that costs). early-stop.ts imports nothing.
import '../runtime/early-stop.js';

await import('./program.js');
