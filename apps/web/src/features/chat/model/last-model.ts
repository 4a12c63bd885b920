const LAST_MODEL_KEY = 'parley.lastModel'

/** The model this browser last picked, so a new chat starts with it (a preference, not a secret). */
export function readLastModel(): string | undefined {
  try {
    return localStorage.getItem(LAST_MODEL_KEY) ?? undefined
  } catch {
    return undefined
  }
}

export function saveLastModel(model: string) {
  try {
    localStorage.setItem(LAST_MODEL_KEY, model)
  } catch {
    // Storage unavailable: new chats start with the server's default.
  }
}
