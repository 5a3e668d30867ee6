import type { DeployProgress } from "../../../lattice/storage/client.ts";
import { formatBytes } from "../../../lattice/storage/bytes.ts";

/**
 * How `static deploy` shows its uploads, always on stderr so stdout stays the result: a bar on a
 * terminal, one line per uploaded file in a log (CI), nothing with --json.
 */
export async function deployProgress(options: { json: boolean; stream?: NodeJS.WriteStream }): Promise<DeployProgress> {
  const stream = options.stream ?? process.stderr;
  if (options.json) return {};
  if (!stream.isTTY) {
    return { uploaded: (file) => void stream.write(`uploaded ${file.path} (${formatBytes(file.size)})\n`) };
  }
  const { default: cliProgress } = await import("cli-progress");
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "Uploading [{bar}] {percentage}% | {done}/{files} files | {sent} of {size} | {file}",
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let files = 0;
  let done = 0;
  let sent = 0;
  let size = "";
  let started = false;
  return {
    start(upload) {
      if (upload.files === 0) return;
      files = upload.files;
      size = formatBytes(upload.bytes);
      started = true;
      bar.start(Math.max(upload.bytes, 1), 0, { done, files, sent: formatBytes(0), size, file: "" });
    },
    uploaded(file) {
      done++;
      sent += file.size;
      bar.update(sent, { done, files, sent: formatBytes(sent), size, file: file.path });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
