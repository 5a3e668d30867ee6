export { latticeHome, latticePaths, type LatticePaths } from "./paths.ts";
export { readIdentity, updateIdentity, writeIdentity, type Identity } from "./identity.ts";
export { readToken, removeToken, writeToken } from "./keys.ts";
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
export {
  assertDbLabel,
  assertPostgresUrl,
  getDbCredential,
  listDbCredentials,
  maskPostgresUrl,
  removeDbCredential,
  resolveDbReferences,
  setDbCredential,
  type DbCredential,
} from "./db-credentials.ts";
