import path from "node:path";
import { latticePaths } from "../home/paths.ts";
import { writeIdentity } from "../home/identity.ts";
import { readToken, writeToken } from "../home/keys.ts";
import { chooseLabel, listConnections, saveConnection, teamLabel, type SavedConnection } from "../home/connections.ts";
import { LatticeClientError } from "./errors.ts";
import { probeCloud, type CloudProbe } from "./probe-cloud.ts";
import { createLatticeTrpcClient, normalizeCloudUrl, toLatticeClientError, type LatticeTrpcClient } from "./trpc-client.ts";

export interface RegisterTeamOptions {
  cloud: string;
  email: string;
  name: string;
  teamName: string;
  password?: string;
  /** LATTICE_HOME to save into (default: the environment's). */
  home?: string;
}

export interface Registration {
  cloud: string;
  label: string;
  user: { id: string; email: string; displayName: string };
  team: { id: string; name: string };
  /** The bootstrap bearer token: the server shows it once and keeps only its hash. */
  token: string;
  tokenPrefix: string;
  tokenFile: string;
}

/** Registration succeeded on the server but the token could not be saved locally: it must still be shown. */
export class LocalSaveError extends LatticeClientError {
  readonly registration: Omit<Registration, "label" | "tokenFile">;
  constructor(registration: Omit<Registration, "label" | "tokenFile">, cause: unknown) {
    super("LOCAL_SAVE_FAILED", `registered, but saving the token locally failed: ${(cause as Error)?.message ?? cause} — keep the token printed above`, { cause });
    this.registration = registration;
  }
}

export interface TeamStatus {
  cloud: string;
  label: string | null;
  server: CloudProbe;
  /** "unchecked" when the server could not be asked. */
  token: "valid" | "rejected" | "unchecked";
  user: { id: string; email: string; displayName: string; scopes: string[] } | null;
  team: { id: string; name: string } | null;
  role: string | null;
  /** What is wrong, in one line, when anything is. */
  error: string | null;
}

/** A client for one Lattice team server, authenticated with a bearer token. The CLI uses exactly this. */
export class TeamsClient {
  readonly cloud: string;
  readonly connection: SavedConnection | null;
  private readonly trpc: LatticeTrpcClient;

  constructor(options: { cloud: string; token: string; connection?: SavedConnection }) {
    this.cloud = normalizeCloudUrl(options.cloud);
    this.connection = options.connection ?? null;
    this.trpc = createLatticeTrpcClient(this.cloud, options.token);
  }

  /**
   * Creates the team on a fresh server (user, team, owner membership and token in one HTTP call),
   * then saves the token, the connection and the identity under LATTICE_HOME.
   */
  static async register(options: RegisterTeamOptions): Promise<Registration> {
    const cloud = normalizeCloudUrl(options.cloud);
    let result;
    try {
      result = await createLatticeTrpcClient(cloud).teams.register.mutate({
        email: options.email,
        name: options.name,
        teamName: options.teamName,
        password: options.password,
      });
    } catch (error) {
      throw toLatticeClientError(error, { cloud });
    }
    const registration = { cloud, ...result };
    try {
      const label = chooseLabel(result.team.name, cloud, result.team.id, options.home);
      const tokenFile = writeToken(label, result.token, options.home);
      saveConnection(
        {
          label,
          cloud,
          teamId: result.team.id,
          teamName: result.team.name,
          userId: result.user.id,
          email: result.user.email,
          tokenFile: path.relative(latticePaths(options.home).home, tokenFile),
        },
        options.home,
      );
      writeIdentity({ displayName: result.user.displayName, email: result.user.email }, options.home);
      return { ...registration, label, tokenFile };
    } catch (error) {
      throw new LocalSaveError(registration, error);
    }
  }

  /** The saved connection for `team` (label or team name), or the only one when `team` is omitted. */
  static fromSaved(team?: string, options: { home?: string } = {}): TeamsClient {
    const connection = findSavedConnection(team, options.home);
    const token = readToken(connection.label, options.home);
    if (!token) {
      throw new LatticeClientError(
        "NO_CONNECTION",
        `the token file for "${connection.teamName}" is missing (${latticePaths(options.home).keyFile(connection.label)}) — run lattice teams join again`,
      );
    }
    return new TeamsClient({ cloud: connection.cloud, token, connection });
  }

  async whoami() {
    try {
      return await this.trpc.teams.whoami.query();
    } catch (error) {
      throw toLatticeClientError(error, { cloud: this.cloud, teamName: this.connection?.teamName });
    }
  }

  /** Is the server up and is the token still good? Reports problems in the result; never throws. */
  async status(): Promise<TeamStatus> {
    const base = { cloud: this.cloud, label: this.connection?.label ?? null, user: null, team: null, role: null };
    const server = await probeCloud(this.cloud);
    if (!server.reachable || !server.isLattice || server.error) {
      return { ...base, server, token: "unchecked", error: server.error ?? "the server did not answer its health check" };
    }
    try {
      const me = await this.whoami();
      return { ...base, server, token: "valid", user: me.user, team: me.team && { id: me.team.id, name: me.team.name }, role: me.role, error: null };
    } catch (error) {
      const failure = toLatticeClientError(error, { cloud: this.cloud, teamName: this.connection?.teamName });
      return { ...base, server, token: failure.code === "TOKEN_REJECTED" ? "rejected" : "unchecked", error: failure.message };
    }
  }
}

function findSavedConnection(team: string | undefined, home?: string): SavedConnection {
  const saved = listConnections(home);
  if (saved.length === 0) throw new LatticeClientError("NO_CONNECTION", "no saved connection — run lattice teams register or lattice teams join");
  const labels = saved.map((c) => c.label).join(", ");
  if (team === undefined) {
    if (saved.length === 1) return saved[0]!;
    throw new LatticeClientError("NO_CONNECTION", `several saved connections (${labels}): choose one with --team <name>`);
  }
  const wanted = team.trim().toLowerCase();
  const match =
    saved.find((c) => c.label === wanted) ?? saved.find((c) => c.teamName.toLowerCase() === wanted) ?? saved.find((c) => c.label === teamLabel(team));
  if (!match) throw new LatticeClientError("NO_CONNECTION", `no saved connection for team "${team}" (saved: ${labels})`);
  return match;
}
