// Kept in step with package.json by scripts/build.mjs (checked in a unit test).
export const LATTICE_VERSION = "0.1.0";
