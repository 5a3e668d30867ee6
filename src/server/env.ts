import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { z } from "zod";

// Validated server environment, read once. The CLI never imports this module.
const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PORT: z.coerce.number().int().min(0).max(65535).default(4317),
  HOST: z.string().default("0.0.0.0"),
  LATTICE_DATA_DIR: z.string().default("./data"),
  NEXTAUTH_SECRET: z.string().optional(),
  AUTH_SECRET: z.string().optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  LATTICE_PUBLIC_URL: z.string().url().optional(),
});

export type ServerEnv = z.infer<typeof schema> & { dataDir: string };

let cached: ServerEnv | undefined;

export function serverEnv(): ServerEnv {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Invalid environment: ${first?.path.join(".")}: ${first?.message}`);
  }
  cached = { ...parsed.data, dataDir: path.resolve(parsed.data.LATTICE_DATA_DIR) };
  return cached;
}

/**
 * next-auth needs a secret; a fresh clone has none. Generate one on first start and keep it
 * in the data dir (mode 0600), so sessions survive restarts without any setup.
 */
export function authSecret(): string {
  const env = serverEnv();
  const given = env.NEXTAUTH_SECRET ?? env.AUTH_SECRET;
  if (given) return given;
  const file = path.join(env.dataDir, "auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(env.dataDir, { recursive: true });
    const secret = crypto.randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      // Another process won the race: use its secret.
      return fs.readFileSync(file, "utf8").trim();
    }
  }
}

/** Makes next-auth work with no NEXTAUTH_URL: trust the request's Host unless an URL is set. */
export function prepareAuthEnv(): void {
  const env = serverEnv();
  process.env.NEXTAUTH_SECRET ??= authSecret();
  const publicUrl = env.NEXTAUTH_URL ?? env.LATTICE_PUBLIC_URL;
  if (publicUrl) process.env.NEXTAUTH_URL = publicUrl;
  else process.env.AUTH_TRUST_HOST ??= "true";
}
