import { LatticeClientError } from "./errors.ts";

/** `--cloud` as given → its canonical form ("http://host:4317", no trailing slash); refuses anything but http(s). */
export function normalizeCloudUrl(cloud: string): string {
  let url: URL;
  try {
    url = new URL(cloud.trim());
  } catch {
    throw new LatticeClientError("INVALID_URL", `"${cloud}" is not a URL (expected http://host:port or https://host)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new LatticeClientError("INVALID_URL", `"${cloud}" is not an http(s) URL (expected http://host:port or https://host)`);
  }
  if (url.username || url.password) throw new LatticeClientError("INVALID_URL", `"${cloud}": put credentials in the token, not in the URL`);
  return url.origin + url.pathname.replace(/\/+$/, "");
}
