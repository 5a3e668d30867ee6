export { latticeHome, latticePaths, type LatticePaths } from "./paths.ts";
export { readIdentity, writeIdentity, type Identity } from "./identity.ts";
export { readToken, writeToken } from "./keys.ts";
export {
  chooseLabel,
  connectionTokenPath,
  listConnections,
  readConnection,
  removeConnection,
  saveConnection,
  teamLabel,
  type SavedConnection,
} from "./connections.ts";
