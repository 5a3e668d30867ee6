// The `npm start` entry: a small Node HTTP server in front of Next's request handler.
// Bound-host bucket traffic (storage issue) is answered here before Next sees it; everything
// else (dashboard, tRPC, /api/v1, SSE) goes to Next. See DESIGN.md → "Server entry and the fast path".
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serverEnv, prepareAuthEnv } from "./env.ts";
import { db, closeDb } from "./db.ts";
import { applyMigrations, defaultMigrationsDir } from "./db/migrate.ts";
import { AppError, describeError } from "./errors.ts";
import { hostingService, type HostingService } from "./services/hosting/index.ts";
import { HEAD_TIMEOUT_MS, HttpFront, REQUEST_TIMEOUT_MS } from "./http/front.ts";
import { addressFrom, CLIENT_ADDRESS_HEADER, markAddressHeaderTrusted, trustProxy } from "./http/client-address.ts";

(process.env as Record<string, string | undefined>).NODE_ENV ??= "production";
const root = process.env.LATTICE_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function main(): Promise<void> {
  let env;
  try {
    env = serverEnv();
  } catch (error) {
    console.error(`lattice: ${(error as Error).message}`);
    process.exit(1);
  }
  prepareAuthEnv();
  const database = db();
  const applied = await applyMigrations(database.sql, defaultMigrationsDir(root));
  if (applied.length) console.log(`[lattice] applied migrations: ${applied.join(", ")}`);

  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, hostname: "localhost", port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();

  const hosting = await hostingService(database);

  markAddressHeaderTrusted();
  const trustedProxy = trustProxy();
  const toNext = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // Only a proxy the operator vouched for (LATTICE_TRUST_PROXY) may say which host, scheme and
    // client this is: otherwise next-auth would build its links from a client's X-Forwarded-Host.
    // Next fills these from the Host and the socket when they are absent.
    if (!trustedProxy) {
      for (const name of ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-forwarded-for"]) delete req.headers[name];
    }
    req.headers[CLIENT_ADDRESS_HEADER] = addressFrom(trustedProxy ? req.headers["x-forwarded-for"] : undefined, req.socket.remoteAddress) ?? "";
    handle(req, res).catch((error: Error) => {
      console.error(`[lattice] request failed: ${describeError(error)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal server error");
    });
  };
  const server = http.createServer((req, res) => {
    // The common dashboard/API case costs one Map lookup; bound hosts never reach Next.
    const host = rawHeader(req, "host");
    if (hosting.isKnownUnbound(host)) return toNext(req, res);
    // A fully cached GET is answered without a single promise.
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const hot = hosting.serveCached({
      method: req.method ?? "GET",
      host,
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? "" : url.slice(q + 1),
      header: (name) => rawHeader(req, name),
    });
    if (hot) {
      try {
        res.writeHead(hot.status, hot.headers);
      } catch (error) {
        // A header value Node refuses (the hosting cache serves none; this is the last line).
        return answerInternalError(res, error);
      }
      if (hot.body === null) res.end();
      else if (hot.latin1) res.end(hot.body, "latin1");
      else res.end(hot.body);
      return;
    }
    serveBound(hosting, req, res).then(
      (served) => {
        if (!served) toNext(req, res);
      },
      (error: Error) => answerInternalError(res, error),
    );
  });
  server.keepAliveTimeout = 65_000;
  // Node's defaults, said here because the front (which keeps the same ones) relies on them: a
  // head must arrive within 60 s and a whole request within 5 min, else 408 and the connection closes.
  server.headersTimeout = HEAD_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  // Plain bound-host GET/HEAD requests are parsed and answered before Node's HTTP stack; the
  // handler above still serves every connection the front hands on (see src/server/http/front.ts).
  const front = new HttpFront(server, hosting, server.keepAliveTimeout);

  server.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") console.error(`lattice: port ${env.PORT} is already in use; set PORT to use another one.`);
    else console.error(`lattice: ${error.message}`);
    void closeDb().finally(() => process.exit(1));
  });

  server.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    const where = database.kind === "pglite" ? `embedded PGlite in ${path.join(env.dataDir, "pglite")}` : "Postgres (DATABASE_URL)";
    console.log(`Lattice is listening on http://localhost:${port} (database: ${where})`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[lattice] ${signal}: finishing in-flight requests, then stopping`);
    const force = setTimeout(() => {
      server.closeAllConnections();
      front.closeAllConnections();
    }, 10_000);
    force.unref();
    server.close(async () => {
      await app.close?.().catch(() => {});
      await hosting.stop();
      await closeDb();
      console.log("[lattice] stopped");
      process.exit(0);
    });
    server.closeIdleConnections();
    front.closeIdleConnections();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

function answerInternalError(res: http.ServerResponse, error: unknown): void {
  console.error(`[lattice] hosting failed: ${describeError(error)}`);
  if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
  res.end("Internal server error");
}

/** One request header, first value, from the raw list: cheaper than `req.headers`, which builds them all. */
function rawHeader(req: http.IncomingMessage, name: string): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) return raw[i + 1];
  }
  return undefined;
}

/** Answers a bound-host request straight from Node's req/res; false when the host is not bound. */
async function serveBound(hosting: HostingService, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const result = await hosting.serve({
    method: req.method ?? "GET",
    host: req.headers.host,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? "" : url.slice(q + 1),
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    readBody: (limit) => readBody(req, limit),
  });
  if (!result) return false;
  res.writeHead(result.status, result.headers);
  res.end(req.method === "HEAD" ? undefined : (result.body ?? undefined));
  return true;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new AppError("PAYLOAD_TOO_LARGE", `Request body is larger than ${limit} bytes.`));
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

main().catch(async (error) => {
  console.error(`lattice: could not start: ${describeError(error).split("\n")[0]}`);
  await closeDb().catch(() => {});
  process.exit(1);
});
