// latticesql: the local-first library. The CLI is built on exactly these exports.
export {
  COLUMN_TYPES,
  DEFAULT_SQLITE_PATH,
  loadLatticeConfig,
  parseLatticeConfig,
  validateLatticeConfig,
  type ColumnSpec,
  type ColumnType,
  type DatabaseTarget,
  type EntitySpec,
  type LatticeConfig,
} from "./config/config.ts";
export { LatticeError, type LatticeErrorCode } from "./config/errors.ts";
export {
  Lattice,
  type ChangeOperation,
  type ColumnInfo,
  type EntityInfo,
  type LatticeChange,
  type LatticeData,
  type LatticeEvents,
  type LatticeOptions,
  type LatticeSource,
  type QueryOptions,
  type Row,
  type WriteCapture,
} from "./db/lattice.ts";
export type { Condition, OrderBy, OrderDirection, OrderTerm, Where } from "./db/where.ts";
export type { EntityDefinition, WriteContext } from "./db/entity.ts";
export type { InferEntities } from "./db/infer.ts";
export type { SqlExecutor } from "./db/driver.ts";
export { POSTGRES_SCHEMA } from "./db/postgres-driver.ts";
export {
  TeamsClient,
  LocalSaveError,
  JoinSaveError,
  type ApiToken,
  type CreatedApiToken,
  type CreatedInvitation,
  type Invitation,
  type Joined,
  type JoinTeamOptions,
  type MemberRole,
  type Registration,
  type RegisterTeamOptions,
  type TeamMember,
  type TeamStatus,
  type WhoAmI,
} from "./teams/client.ts";
export { probeCloud, type CloudProbe } from "./teams/probe-cloud.ts";
export { LatticeClientError, type LatticeClientErrorCode } from "./teams/errors.ts";
// The typed tRPC client (teams/trpc-client.ts) stays inside this repository: its type is the
// server's router, which the package does not ship. TeamsClient and StorageClient wrap it.
export { normalizeCloudUrl } from "./teams/cloud-url.ts";
export {
  decryptValue,
  encryptValue,
  isEncryptedValue,
  MalformedEncryptedValueError,
  WrongMasterKeyError,
} from "./crypto/encrypted-value.ts";
export { loadMasterKey, parseEncryptionKey, type MasterKeyOptions } from "./crypto/master-key.ts";
export {
  StorageClient,
  canonicalHost,
  type Bucket,
  type CreatedStorageToken,
  type DeletedBucket,
  type DeployOptions,
  type DeployProgress,
  type DeployResult,
  type HostBinding,
  type KvEntry,
  type KvKey,
  type KvPutOptions,
  type KvWritten,
  type Rollback,
  type StaticFile,
  type StorageAccess,
  type StorageClientOptions,
  type StorageSurface,
  type StorageToken,
} from "./storage/client.ts";
export { collectDeployFiles, DeployFolderError, MAX_DEPLOY_FILE_BYTES, sha256Hex, type CollectOptions, type DeployFile } from "./storage/deploy-files.ts";
export { formatBytes } from "./storage/bytes.ts";
export * from "./home/index.ts";
export {
  SyncProject,
  type LinkReport,
  type LocalSyncStatus,
  type PullReport,
  type PushReport,
  type SyncProgress,
  type SyncProjectOptions,
  type UnlinkReport,
} from "./sync/engine.ts";
export type { ChangeKind, CurrentRow, FeedChange, PullPage, PushEntry, PushOp, PushResult, SharedTable, ShareResult } from "./sync/types.ts";
