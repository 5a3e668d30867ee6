// latticesql: the local-first library. The CLI is built on exactly these exports.
export {
  TeamsClient,
  LocalSaveError,
  JoinSaveError,
  type CreatedInvitation,
  type Invitation,
  type Joined,
  type JoinTeamOptions,
  type MemberRole,
  type Registration,
  type RegisterTeamOptions,
  type TeamMember,
  type TeamStatus,
} from "./teams/client.ts";
export { probeCloud, type CloudProbe } from "./teams/probe-cloud.ts";
export { LatticeClientError, type LatticeClientErrorCode } from "./teams/errors.ts";
export { createLatticeTrpcClient, normalizeCloudUrl, type LatticeTrpcClient } from "./teams/trpc-client.ts";
export {
  decryptValue,
  encryptValue,
  isEncryptedValue,
  MalformedEncryptedValueError,
  WrongMasterKeyError,
} from "./crypto/encrypted-value.ts";
export { loadMasterKey, parseEncryptionKey, type MasterKeyOptions } from "./crypto/master-key.ts";
export * from "./home/index.ts";
