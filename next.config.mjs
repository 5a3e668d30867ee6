/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native or wasm-backed packages stay in node_modules and are loaded at run time, so the
  // `npm start` entry (dist/server/main.js) and Next's chunks share one instance of each.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/adapter-pg",
    "@prisma/client",
    "pg",
    "better-sqlite3",
  ],
  // A second build directory lets a test run build and serve without touching a running server's build.
  distDir: process.env.LATTICE_NEXT_DIR ?? ".next",
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
  // No one frames the dashboard or the API (clickjacking). Bound-host (bucket) responses are the
  // user's content: `npm start` answers them before Next, plain `next start` in src/proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
        ],
      },
    ];
  },
  // With src/proxy.ts present Next buffers each request body for the proxy and silently cuts it at
  // this size (default 10 MB). Uploads may be 25 MiB (MAX_BLOB_BYTES); just above that, so a body one
  // byte over still reaches the route whole and gets its 413.
  experimental: { proxyClientMaxBodySize: 26 * 1024 * 1024 },
};

export default nextConfig;
