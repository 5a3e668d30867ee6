import { AppError } from "../errors.ts";

/**
 * The body, refused with 413 as soon as it is known to be over the limit: from Content-Length before
 * reading anything, else (chunked) at the first chunk past it. Chunks are joined once at the end.
 */
export async function readBody(request: Request, limit: { bytes: number; message?: string }): Promise<Buffer> {
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", limit.message ?? `Request body is larger than ${limit.bytes} bytes.`);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit.bytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit.bytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}
