import { z } from "zod";

// Input rules shared by tRPC, the JSON routes and the dashboard forms.
export const emailSchema = z
  .string({ error: "email is required" })
  .trim()
  .max(254, "email is too long (254 characters at most)")
  .pipe(z.email({ error: "email is not a valid address" }))
  .transform((email) => email.toLowerCase());

export const displayNameSchema = z
  .string({ error: "name is required" })
  .trim()
  .min(1, "name must not be empty")
  .max(100, "name is too long (100 characters at most)");

export const teamNameSchema = z
  .string({ error: "team name is required" })
  .trim()
  .min(1, "team name must not be empty")
  .max(100, "team name is too long (100 characters at most)")
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "team name must not contain control characters");

export const passwordSchema = z
  .string()
  .min(8, "password must be at least 8 characters")
  .max(200, "password is too long (200 characters at most)");

export const registerTeamInput = z.object({
  email: emailSchema,
  name: displayNameSchema,
  teamName: teamNameSchema,
  password: passwordSchema.optional(),
});
export type RegisterTeamInput = z.input<typeof registerTeamInput>;

export const registerTeamOutput = z.object({
  user: z.object({ id: z.string(), email: z.string(), displayName: z.string() }),
  team: z.object({ id: z.string(), name: z.string() }),
  token: z.string(),
  tokenPrefix: z.string(),
});
export type RegisterTeamResult = z.infer<typeof registerTeamOutput>;

// "90s", "30m", "12h", "7d": how long an invitation stays redeemable.
export const DURATION_UNITS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
export const durationSchema = z
  .string()
  .trim()
  .regex(/^\d{1,6}[smhd]$/, "expires must be a duration such as 90s, 30m, 12h or 7d")
  .transform((text) => Number(text.slice(0, -1)) * DURATION_UNITS[text.at(-1) as keyof typeof DURATION_UNITS])
  .refine((seconds) => seconds >= 10 && seconds <= 365 * 86400, "expires must be between 10s and 365d");

export const inviteRoleSchema = z.enum(["member", "admin"], { error: "role must be member or admin" });

export const createInvitationInput = z.object({
  inviteeEmail: emailSchema,
  role: inviteRoleSchema.prefault("member"),
  expiresIn: durationSchema.prefault("7d"),
});
export type CreateInvitationInput = z.output<typeof createInvitationInput>;

export const redeemInvitationInput = z.object({
  token: z.string({ error: "token is required" }).trim().min(1, "token is required").max(200, "token is too long"),
  email: emailSchema,
  name: displayNameSchema,
  password: passwordSchema.optional(),
  /** false: no API token (the browser join page signs in with the password instead). */
  issueApiToken: z.boolean({ error: "issueApiToken must be true or false" }).optional(),
}).refine((input) => input.issueApiToken !== false || input.password !== undefined, {
  message: "password is required without an API token (issueApiToken: false): it is how you will sign in",
  path: ["password"],
});
export type RedeemInvitationInput = z.input<typeof redeemInvitationInput>;

export const memberEmailInput = z.object({ email: emailSchema });
export const setRoleInput = z.object({ email: emailSchema, role: z.enum(["owner", "admin", "member"], { error: "role must be owner, admin or member" }) });
export const destroyTeamInput = z.object({
  confirm: z.string({ error: "confirm is required: the team's name" }).max(100),
});
export const revokeInvitationInput = z.object({
  invitation: z.string().trim().min(1, "name an invitation by id or invitee email").max(254),
});
