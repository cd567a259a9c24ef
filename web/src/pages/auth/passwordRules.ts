// The server's password rules, checked in the browser first so the form can say what is wrong
// before a round trip. The server stays the authority (it also refuses common passwords).

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 1024;

/** What is wrong with `password` for a user with `email`, or null when the known rules pass. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters long.`;
  if (password.length > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters long.`;
  const local = email.split("@")[0]?.trim().toLowerCase() ?? "";
  if (local.length >= 3 && password.toLowerCase().includes(local)) {
    return "Password must not contain your email address.";
  }
  return null;
}
