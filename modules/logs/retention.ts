/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Throws, naming the setting and the valid values, when `days` is not a CloudWatch Logs retention. */
export function validateLogRetention(setting: string, days: number): void {
  if (!LOG_RETENTION_DAYS.includes(days)) {
    throw new Error(`${setting} must be one of ${LOG_RETENTION_DAYS.join(', ')}; got ${days}`);
  }
}
