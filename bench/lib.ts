import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../src/server/db.ts";
import { applyMigrations } from "../src/server/db/migrate.ts";
import { databaseUrl, freePort, withAdmin } from "../test/support/postgres.ts";

// Shared pieces of the benchmarks: external tools, wrk and pgbench runs, and their parsing.

export interface Figure {
  rps: number;
  p50ms: number;
  p99ms: number;
  /** Cores the server and Postgres used during the run, when measured. */
  serverCpu?: number;
  postgresCpu?: number;
}

export function need(tool: string, debianPackage: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${tool} || ls /usr/sbin/${tool} 2>/dev/null`], { encoding: "utf8" }).stdout.trim().split("\n")[0];
  if (!found) throw new Error(`${tool} is not installed: apt-get install -y ${debianPackage}`);
  return found;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n;
}

/** wrk's own figures: Requests/sec and the 50% / 99% latency of `--latency`. */
export function parseWrk(output: string): Figure {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
  const p50 = /\s50%\s+([\d.]+)(us|ms|s|m)/.exec(output);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s|m)/.exec(output);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  if (!rps || !p50 || !p99) throw new Error(`could not read wrk's output:\n${output}`);
  if (errors) throw new Error(`wrk saw ${errors[1]} non-2xx responses — the benchmark is not measuring successes:\n${output}`);
  return { rps, p50ms: toMs(p50[1]!, p50[2]!), p99ms: toMs(p99[1]!, p99[2]!) };
}

export interface WrkOptions {
  url: string;
  headers?: Record<string, string>;
  script?: string;
  connections: number;
  seconds: number;
}

export function wrk(options: WrkOptions): Figure {
  const args = ["-t", "1", "-c", String(options.connections), "-d", `${options.seconds}s`, "--latency"];
  // wrk adds its own "Host" unless given exactly that spelling, and two Host headers would be sent.
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push("-H", `${name.toLowerCase() === "host" ? "Host" : name}: ${value}`);
  if (options.script) args.push("-s", options.script);
  args.push(options.url);
  const run = spawnSync(need("wrk", "wrk"), args, { encoding: "utf8", timeout: (options.seconds + 30) * 1000 });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr || run.stdout}`);
  return parseWrk(run.stdout);
}

/** pgbench's tps, and p50/p99 from its per-transaction log (it prints only the average itself). */
export function pgbench(url: string, args: string[], clients: number, seconds: number): Figure {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-pgbench-"));
  const run = spawnSync(need("pgbench", "postgresql-contrib"), [...args, "-c", String(clients), "-j", "1", "-T", String(seconds), "--log", `--log-prefix=${dir}/tx`, url], {
    encoding: "utf8",
    timeout: (seconds + 60) * 1000,
  });
  if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr}`);
  const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1]);
  // Each log line: client_id transaction_no time_us script_no epoch epoch_us
  const latencies: number[] = [];
  for (const file of fs.readdirSync(dir)) {
    for (const line of fs.readFileSync(path.join(dir, file), "utf8").split("\n")) {
      const us = Number(line.split(" ")[2]);
      if (Number.isFinite(us) && line) latencies.push(us / 1000);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: tps, p50ms: at(0.5), p99ms: at(0.99) };
}

export interface Nginx {
  port: number;
  stop(): Promise<void>;
}

/**
 * nginx serving `root` on a free port as its users run it: `worker_processes auto` (one worker per
 * core, where we run one Node process); access log off, like ours.
 */
export async function startNginx(root: string): Promise<Nginx> {
  const bin = need("nginx", "nginx-light");
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-nginx-"));
  const port = await freePort();
  fs.mkdirSync(path.join(prefix, "logs"));
  const conf = path.join(prefix, "nginx.conf");
  fs.writeFileSync(
    conf,
    `daemon off;
worker_processes auto;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  server { listen 127.0.0.1:${port}; root ${root}; etag on; }
}
`,
  );
  const child: ChildProcess = spawn(bin, ["-p", prefix, "-c", conf], { stdio: "ignore" });
  for (let i = 0; i < 50; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    async stop() {
      child.kill("SIGQUIT");
      await new Promise((r) => child.once("exit", r));
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}

export function sha256(data: Buffer | string): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

export function row(label: string, ours: Figure, anchorLabel: string, anchor: Figure, target: number): string {
  const ratio = ours.rps / anchor.rps;
  const verdict = ratio >= target ? "meets" : `misses by ${((1 - ratio / target) * 100).toFixed(0)}%`;
  const cpu = ours.serverCpu === undefined ? "" : `  (cores busy: server ${ours.serverCpu.toFixed(2)}, Postgres ${ours.postgresCpu!.toFixed(2)})`;
  return [
    `${label.padEnd(26)} ${ours.rps.toFixed(0).padStart(8)} req/s  p50 ${ours.p50ms.toFixed(2).padStart(6)} ms  p99 ${ours.p99ms.toFixed(2).padStart(6)} ms${cpu}`,
    `${anchorLabel.padEnd(26)} ${anchor.rps.toFixed(0).padStart(8)} req/s  p50 ${anchor.p50ms.toFixed(2).padStart(6)} ms  p99 ${anchor.p99ms.toFixed(2).padStart(6)} ms`,
    `  ratio ${ratio.toFixed(2)}× (target ≥ ${target}×: ${verdict}); p99 under 20 ms: ${ours.p99ms < 20 ? "yes" : "no"}`,
  ].join("\n");
}

/** http.request, not fetch: fetch will not send a Host header of our choosing. */
export function hostRequest(port: number, options: { method?: string; host: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers: { host: options.host, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

export function pgbenchInit(url: string, scale = 1): void {
  const run = spawnSync(need("pgbench", "postgresql-contrib"), ["-i", "-s", String(scale), "-q", url], { encoding: "utf8", timeout: 120_000 });
  if (run.status !== 0) throw new Error(`pgbench -i failed: ${run.stderr}`);
}

/** The ceiling for any Node front on this machine: a bare `http` server answering the same bytes. */
export async function startBareNode(body: Buffer, headers: Record<string, string>): Promise<Nginx> {
  const port = await freePort();
  const script = `const http=require("node:http");const body=Buffer.from(process.env.B,"base64");const h=JSON.parse(process.env.H);
http.createServer((q,s)=>{s.writeHead(200,h);s.end(body)}).listen(${port},"127.0.0.1",()=>console.log("up"));`;
  const child = spawn(process.execPath, ["-e", script], { env: { ...process.env, B: body.toString("base64"), H: JSON.stringify(headers) }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve) => child.stdout!.once("data", resolve));
  return {
    port,
    async stop() {
      child.kill();
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** CPU time (user + system) of processes, in clock ticks (100 a second on Linux). */
export function cpuTicks(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended
    }
  }
  return total;
}

/** Every running process of this name (the Postgres server and its backends are all "postgres"). */
export function pidsNamed(name: string): number[] {
  return fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === name;
    } catch {
      return false;
    }
  });
}

/** Runs `measure` and adds how busy the server and Postgres were meanwhile (1.0 = one core). */
export function withCpu(serverPid: number, seconds: number, measure: () => Figure): Figure {
  // The same processes before and after (backends that come or go meanwhile are not counted).
  const postgres = pidsNamed("postgres");
  const [server0, pg0] = [cpuTicks([serverPid]), cpuTicks(postgres)];
  const figure = measure();
  const [server1, pg1] = [cpuTicks([serverPid]), cpuTicks(postgres)];
  return { ...figure, serverCpu: (server1 - server0) / 100 / seconds, postgresCpu: Math.max(0, pg1 - pg0) / 100 / seconds };
}

/** A new, migrated Postgres database for a bench (dropped first if an earlier run left it): its URL. */
export async function freshDatabase(adminUrl: string, dbName: string): Promise<string> {
  await withAdmin(adminUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${dbName}`);
  });
  const url = databaseUrl(adminUrl, dbName);
  const database = openDatabase({ databaseUrl: url, dataDir: "" });
  await applyMigrations(database.sql);
  await database.close();
  return url;
}
