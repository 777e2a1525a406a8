// `@autosing/server/start`: only what starting a server needs, so `autosing serve` does not load
// the worker-side libraries (the models, the processing steps) in the HTTP process.
export { isLoopbackHost, resolveServeOptions, startServer } from "./start-server.js";
export type { RunningServer } from "./start-server.js";
export { SERVE_DEFAULTS, parseDatasetOption } from "./serve-options.js";
export type { ServeOptions, ServedDatasetOption } from "./serve-options.js";
export { ServeOptionError } from "./serve-option-error.js";
