/** "312 B", "4.2 KB", "18 MB": one decimal (rounded up) under ten, whole numbers above. */
export function formatBytes(bytes: number, options: { minUnit?: "B" | "KB" } = {}): string {
  if (bytes === 0 && options.minUnit === "KB") return "0 KB";
  if (bytes < 1024 && options.minUnit !== "KB") return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  // A few bytes read "0.1 KB", not "0.0 KB": something was sent.
  const tenths = Math.ceil(value * 10) / 10;
  if (tenths < 10) return `${tenths.toFixed(1)} ${units[unit]}`;
  return `${Math.round(value)} ${units[unit]}`;
}
