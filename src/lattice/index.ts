// latticesql: the local-first library. The CLI is built on exactly these exports.
export { TeamsClient, LocalSaveError, type Registration, type RegisterTeamOptions, type TeamStatus } from "./teams/client.ts";
export { probeCloud, type CloudProbe } from "./teams/probe-cloud.ts";
export { LatticeClientError, type LatticeClientErrorCode } from "./teams/errors.ts";
export { createLatticeTrpcClient, normalizeCloudUrl, type LatticeTrpcClient } from "./teams/trpc-client.ts";
export * from "./home/index.ts";
