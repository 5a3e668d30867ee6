// `npm run bench`: storage hosting on a bound host beside its anchors, measured in the same run.
//   static file (1 KB index.html)  vs nginx serving the same file
//   KV GET / KV PUT                 vs pgbench -S (select-only) / -N (simple update) on the same Postgres
//   the latticesql library          vs raw better-sqlite3 / pg doing the same work (bench/library.ts)
//   sync push, pull, 1M first sync  vs bare SQLite ⇄ Postgres copies, and the anchors' published figures (bench/sync.ts)
// Everything runs on this machine; wrk and pgbench share its cores with the servers, so read ratios.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestPostgres, databaseUrl, withAdmin } from "../test/support/postgres.ts";
import { startServer } from "../test/support/server.ts";
import { libraryBench } from "./library.ts";
import { syncBench } from "./sync.ts";
import { freshDatabase, withCpu, hostRequest, pgbench, pgbenchInit, row, sha256, startBareNode, startNginx, wrk, type Figure } from "./lib.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const PGBENCH_CLIENTS = Number(process.env.BENCH_PGBENCH_CLIENTS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// BENCH_ONLY=static,kv-get,kv-put,library,sync runs a subset (library and sync need neither nginx nor wrk).
const ONLY = new Set((process.env.BENCH_ONLY ?? "static,kv-get,kv-put,library,sync").split(","));

/** Runs `measure` ROUNDS times; for each position, the round with the median req/s. */
function rounds(measure: () => Figure[]): Figure[] {
  const runs = Array.from({ length: ROUNDS }, measure);
  return runs[0]!.map((_, i) => {
    const sorted = runs.map((r) => r[i]!).sort((a, b) => a.rps - b.rps);
    return sorted[Math.floor(sorted.length / 2)]!;
  });
}

async function api(base: string, token: string, method: string, route: string, body?: unknown, raw?: Buffer) {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(raw ? { "content-type": "application/octet-stream" } : { "content-type": "application/json" }) },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status} ${await res.text()}`);
  return res.json();
}

/** Storage hosting beside nginx and pgbench: the server, nginx and wrk on this machine. */
async function hostingBench(adminUrl: string, results: string[], figures: Record<string, unknown>): Promise<void> {
  const dbName = "lattice_bench";
  const url = await freshDatabase(adminUrl, dbName);

  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  // The server gets as many database connections as pgbench has clients: the same footing for both.
  const server = await startServer({
    databaseUrl: url,
    env: { LATTICE_DB_POOL_MAX: String(PGBENCH_CLIENTS) },
    nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean),
  });
  const ours = (measure: () => Figure) => withCpu(server.process.pid!, SECONDS, measure);
  const siteRoot = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-bench-site-"));
  fs.chmodSync(siteRoot, 0o755); // nginx's worker runs as an unprivileged user
  const nginx = await startNginx(siteRoot);
  try {
    const base = server.url.replace("localhost", "127.0.0.1");
    const reg = await (await fetch(`${base}/api/v1/teams/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "bench@example.com", name: "Bench", teamName: "Bench" }),
    })).json();
    const token: string = reg.token;

    // A 1 KB page, the same bytes for nginx and for the static bucket.
    const html = Buffer.from(`<!doctype html><title>bench</title>${"<p>lattice static benchmark</p>".repeat(32)}`.slice(0, 1024));
    fs.writeFileSync(path.join(siteRoot, "index.html"), html, { mode: 0o644 });
    const hash = sha256(html);
    await api(base, token, "POST", "/api/v1/static/buckets", { name: "site" });
    await api(base, token, "PUT", `/api/v1/static/buckets/site/blobs/${hash}`, undefined, html);
    await api(base, token, "POST", "/api/v1/static/buckets/site/deploys", { files: [{ path: "index.html", sha256: hash, size: html.length }] });
    await api(base, token, "POST", "/api/v1/bindings", { host: "site.bench.test", surface: "static", bucket: "site" });

    await api(base, token, "POST", "/api/v1/kv/buckets", { name: "config" });
    await api(base, token, "POST", "/api/v1/bindings", { host: "kv.bench.test", surface: "kv", bucket: "config" });
    const storage = await api(base, token, "POST", "/api/v1/storage-tokens", { label: "bench", surface: "kv", access: "write", buckets: ["config"] });
    for (let i = 0; i < 100; i++) {
      const put = await hostRequest(server.port, {
        method: "PUT",
        host: "kv.bench.test",
        path: `/k${i}`,
        headers: { authorization: `Bearer ${storage.token}`, "content-type": "application/json" },
        body: JSON.stringify({ value: { n: i, title: "Lattice" } }),
      });
      if (put.status !== 201 && put.status !== 200) throw new Error(`KV PUT → ${put.status} ${put.body}`);
    }
    const check = await hostRequest(server.port, { host: "site.bench.test", path: "/" });
    if (check.status !== 200 || check.body.compare(html) !== 0) throw new Error(`the bound host does not serve the page (${check.status})`);

    console.log(`\nwrk -t1 -c${CONNECTIONS} -d${SECONDS}s; pgbench -c${PGBENCH_CLIENTS} -j1 -T${SECONDS}; median of ${ROUNDS} interleaved rounds; ${os.cpus().length} cores shared by load generator and servers\n`);

    // This VM's throughput drifts by ±30 % from minute to minute, so each pair is measured in
    // ROUNDS interleaved rounds (ours, anchor, ours, anchor, …) and the medians are compared.
    const staticUrl = { url: `${base}/`, headers: { host: "site.bench.test" }, connections: CONNECTIONS };
    const nginxUrl = { url: `http://127.0.0.1:${nginx.port}/`, connections: CONNECTIONS };
    const bare = await startBareNode(html, { "content-type": "text/html; charset=utf-8", etag: `"${hash}"`, "cache-control": "public, max-age=0, must-revalidate", "content-length": String(html.length) });
    const bareUrl = { url: `http://127.0.0.1:${bare.port}/`, connections: CONNECTIONS };
    if (ONLY.has("static")) {
      // Warm-ups fill caches (ours and nginx's) and JIT before measuring.
      for (const target of [staticUrl, nginxUrl, bareUrl]) wrk({ ...target, seconds: 2 });
      const staticRounds = rounds(() => [ours(() => wrk({ ...staticUrl, seconds: SECONDS })), wrk({ ...nginxUrl, seconds: SECONDS }), wrk({ ...bareUrl, seconds: SECONDS })]);
      const [ourStatic, nginxStatic, bareStatic] = staticRounds;
      Object.assign(figures, { ourStatic, nginxStatic, bareStatic });
      results.push(row("static GET (lattice)", ourStatic, `static GET (nginx, ${os.cpus().length} workers)`, nginxStatic, 1.0));
      results.push(`  (lattice serves from one Node process, one core; nginx runs worker_processes auto: one worker per core)`);
      // Context, not a target: what a bare Node `http` server does with the same response here.
      results.push(`  context: a bare Node http server ${bareStatic.rps.toFixed(0)} req/s (p99 ${bareStatic.p99ms.toFixed(2)} ms) = ${(bareStatic.rps / nginxStatic.rps).toFixed(2)}× nginx; lattice = ${(ourStatic.rps / bareStatic.rps).toFixed(2)}× bare Node`);
    }
    await bare.stop();

    // pgbench's own tables, in the same database server.
    const pgbenchDb = databaseUrl(adminUrl, "pgbench");
    await withAdmin(adminUrl, async (admin) => {
      await admin.query("DROP DATABASE IF EXISTS pgbench WITH (FORCE)");
      await admin.query("CREATE DATABASE pgbench");
    });
    pgbenchInit(pgbenchDb);

    const kvHeaders = { host: "kv.bench.test", authorization: `Bearer ${storage.token}` };
    const probe = await hostRequest(server.port, { host: "kv.bench.test", path: "/k1", headers: { authorization: `Bearer ${storage.token}` } });
    if (probe.status !== 200) throw new Error(`KV GET → ${probe.status} ${probe.body}`);
    /** KV at wrk's concurrency and at pgbench's own, beside the pgbench mode it is measured against. */
    const compareKv = (label: string, script: string, headers: Record<string, string>, anchorMode: string, target: number) => {
      const kvTarget = { url: `${base}/`, headers, script: path.join(import.meta.dirname, script), connections: CONNECTIONS };
      wrk({ ...kvTarget, seconds: 2 });
      const [wide, likePg, anchor] = rounds(() => [
        ours(() => wrk({ ...kvTarget, seconds: SECONDS })),
        ours(() => wrk({ ...kvTarget, connections: PGBENCH_CLIENTS, seconds: SECONDS })),
        pgbench(pgbenchDb, [anchorMode], PGBENCH_CLIENTS, SECONDS),
      ]);
      const anchorLabel = `pgbench ${anchorMode} (c${PGBENCH_CLIENTS})`;
      results.push(row(`${label} (lattice, c${CONNECTIONS})`, wide, anchorLabel, anchor, target));
      results.push(row(`${label} (lattice, c${PGBENCH_CLIENTS})`, likePg, anchorLabel, anchor, target));
      return [wide, likePg, anchor] as const;
    };
    if (ONLY.has("kv-get")) {
      const [ourGet, ourGetLikePg, pgSelect] = compareKv("KV GET", "kv-get.lua", kvHeaders, "-S", 1.2);
      Object.assign(figures, { ourGet, ourGetLikePg, pgSelect });
    }
    if (ONLY.has("kv-put")) {
      const [ourPut, ourPutLikePg, pgUpdate] = compareKv("KV PUT", "kv-put.lua", { ...kvHeaders, "content-type": "application/json" }, "-N", 0.5);
      Object.assign(figures, { ourPut, ourPutLikePg, pgUpdate });
    }
  } finally {
    if (process.env.BENCH_SHOW_SERVER_LOG) console.log(server.logs());
    await nginx.stop();
    await server.stop();
    fs.rmSync(siteRoot, { recursive: true, force: true });
  }
}

const postgres = await startTestPostgres();
try {
  const results: string[] = [];
  const figures: Record<string, unknown> = {};
  if (["static", "kv-get", "kv-put"].some((part) => ONLY.has(part))) await hostingBench(postgres.adminUrl, results, figures);
  if (ONLY.has("library")) {
    const library = await libraryBench(postgres.adminUrl);
    results.push(...library.lines);
    figures.library = library.figures;
  }
  if (ONLY.has("sync")) {
    const sync = await syncBench(postgres.adminUrl);
    results.push(...sync.lines);
    figures.sync = sync.figures;
  }
  console.log(results.join("\n\n"));
  fs.mkdirSync(".test-output", { recursive: true });
  fs.writeFileSync(".test-output/bench.json", JSON.stringify(figures, null, 2));
} finally {
  await postgres.stop();
}
