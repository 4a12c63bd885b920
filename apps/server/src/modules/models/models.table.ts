/**
 * Choices operators make on the Models screen that must survive a restart, as key and value (today one key:
 * `default_model`, the id new conversations use). Kept in the database rather than the data dir so every
 * replica reads the same choice.
 */
export interface ModelSettingsTable {
  key: string
  value: string
  updated_at: string
}
