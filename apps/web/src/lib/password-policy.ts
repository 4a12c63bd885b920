/** What the server's password policy asks for, checked as the user types (the server has the final word). */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = []
  if (password.length < 10) problems.push('at least 10 characters')
  if (password.length > 128) problems.push('at most 128 characters')
  if (username && password.toLowerCase() === username.toLowerCase()) problems.push('not your username')
  return problems
}

const PASSWORD_POLICY = '10–128 characters, not your username, and not a common password such as "password123".'

/** The hint under a new-password field: what is still missing, or the policy (with a note of the form's own). */
export function passwordHint(problems: readonly string[], note?: string): string {
  if (problems.length > 0) return `Still needed: ${problems.join(', ')}.`
  return note ? `${PASSWORD_POLICY} ${note}` : PASSWORD_POLICY
}
