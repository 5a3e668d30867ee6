/** "2 h 13 min", "3 d 4 h", "45 s": how long until `at`, in its two largest units. */
export function formatTimeLeft(at: Date, now: number = Date.now()): string {
  const seconds = Math.floor((at.getTime() - now) / 1000);
  if (seconds <= 0) return "now";
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3_600],
    ["min", 60],
    ["s", 1],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [name, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0 || parts.length > 0) {
      if (count > 0) parts.push(`${count} ${name}`);
      rest -= count * size;
      if (parts.length === 2 || (parts.length === 1 && count === 0)) break;
    }
  }
  return parts.join(" ");
}
