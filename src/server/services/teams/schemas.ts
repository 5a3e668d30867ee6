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
