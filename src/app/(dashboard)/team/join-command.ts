// What the invitation panel tells an invitee to do; the CLI test runs exactly this command.

/** Single-quotes a shell word unless it is plainly safe (an email can hold `'`, `$`, `&`…). */
function shellWord(word: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The join command for a terminal, runnable as shown: the name comes from the invitee's identity.json, else their email. */
export function joinCommand({ origin, token, email }: { origin: string; token: string; email: string }): string {
  return `lattice teams join --cloud ${shellWord(origin)} --token ${shellWord(token)} --email ${shellWord(email)}`;
}

/** The browser join page; the token rides in the fragment, which browsers never send, so no log sees it. */
export function joinLink({ origin, token }: { origin: string; token: string }): string {
  return `${origin}/join#token=${encodeURIComponent(token)}`;
}
