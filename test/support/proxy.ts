import http from "node:http";
import type { AddressInfo } from "node:net";

// A transparent HTTP proxy in front of a test server that can hold back the answers to chosen
// requests: the server has handled them (and committed) but the client never hears back. That is
// how a test puts a CLI exactly between "the server committed" and "the response arrived".

export interface HeldResponse {
  method: string;
  path: string;
  status: number;
  /** The whole answer as the server sent it. */
  body: Buffer;
}

export interface HoldingProxy {
  url: string;
  /** From now on, requests for which `rule` returns true have their answers held (checked per request). */
  hold(rule: (request: { method: string; path: string }) => boolean): void;
  /** Resolves once the next held answer has fully arrived from the server. */
  nextHeld(): Promise<HeldResponse>;
  /** Stop holding; answers held so far are dropped with their connections. */
  passThrough(): void;
  stop(): Promise<void>;
}

export async function startHoldingProxy(upstream: string): Promise<HoldingProxy> {
  const target = new URL(upstream);
  let rule: ((request: { method: string; path: string }) => boolean) | null = null;
  const held: { response: HeldResponse; res: http.ServerResponse }[] = [];
  const waiting: ((response: HeldResponse) => void)[] = [];
  const unclaimed: HeldResponse[] = [];

  const server = http.createServer((req, res) => {
    const request = { method: req.method ?? "GET", path: req.url ?? "/" };
    const holding = rule?.(request) ?? false;
    const forward = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.path, headers: { ...req.headers, host: target.host } },
      (answer) => {
        if (!holding) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const response = { ...request, status: answer.statusCode ?? 0, body: Buffer.concat(chunks) };
          held.push({ response, res });
          const waiter = waiting.shift();
          if (waiter) waiter(response);
          else unclaimed.push(response);
        });
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const dropHeld = () => {
    for (const { res } of held.splice(0)) res.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    hold(next) {
      rule = next;
    },
    nextHeld() {
      const ready = unclaimed.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    passThrough() {
      rule = null;
      dropHeld();
    },
    async stop() {
      rule = null;
      dropHeld();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
