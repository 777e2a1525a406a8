// The apache-arrow bundle (/vendor/apache-arrow.js, the package's own Arrow.esnext.min.js) defines
// the global `Arrow`; its types are the package's.
declare global {
  const Arrow: typeof import("apache-arrow");
}
export {};
