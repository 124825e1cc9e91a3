/** One structured JSON log line per call, with the request id, as CloudWatch Logs Insights reads them. */
export type Level = 'info' | 'warn' | 'error';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(requestId: string, functionName: string, write: (line: string) => void = (l) => console.log(l)): Logger {
  const emit = (level: Level, message: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ timestamp: new Date().toISOString(), level, message, requestId, function: functionName, ...fields }));
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** A handler error whose message is safe and useful to log and return. */
export class HandlerError extends Error {
  constructor(message: string, public readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'HandlerError';
  }
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new HandlerError(`environment variable ${name} is not set; the function's Terraform configuration sets it`);
  return value;
}
