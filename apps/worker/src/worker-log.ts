import { LoggerService } from '@nestjs/common';
import { LogLevel, pinoOptions } from '@hookline/observability';
import pino, { Logger as Pino } from 'pino';

/** The worker's pino logger: JSON lines, `app: "worker"`, REDACT_PATHS applied to whatever a line carries. */
export const WORKER_LOG = Symbol('WORKER_LOG');

/** To stdout; a test may hand it another destination. */
export function createWorkerLog(level: LogLevel, destination?: pino.DestinationStream): Pino {
  return destination ? pino(pinoOptions('worker', level), destination) : pino(pinoOptions('worker', level));
}

type PinoLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's own log calls (`new Logger('OutboxSweeper').warn(...)`, framework start-up lines) as the same JSON lines, with
 * the Nest context as `context`. A plain adapter rather than nestjs-pino's Logger: that one keeps its out-of-request
 * logger in module state, which an API and a worker started in one process (the test platform) would share.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  /** Nest calls error(message, stack?, context?). */
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: PinoLevel, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // The Nest Logger facade appends its context as the last argument; an error's stack comes before it.
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? (params[params.length - 1] as string) : undefined;
    const stack = level === 'error' && params.length > 1 && typeof params[0] === 'string' ? params[0] : undefined;
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields.context = context;
    if (stack) fields.stack = stack;
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, ...(message as Record<string, unknown>) });
    else this.pino[level](fields, String(message));
  }
}
