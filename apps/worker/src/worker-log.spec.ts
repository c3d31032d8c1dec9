import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { createWorkerLog, PinoNestLogger } from './worker-log';

function capture(level: 'debug' | 'info' | 'silent' = 'debug') {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createWorkerLog(level, stream) };
}

describe('worker logs', () => {
  it('writes JSON lines tagged with the app, and redacts credentials whatever a line carries', () => {
    const { lines, log } = capture();
    log.info({ delivery_id: 'd1', secret: 'whsec_abc', webhook: { secret: 'whsec_def', custom_headers: { authorization: 'Bearer x' } }, api_key: 'hk_live_1' }, 'Delivery attempt');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', app: 'worker', msg: 'Delivery attempt', delivery_id: 'd1', secret: '[redacted]', api_key: '[redacted]' });
    expect(lines[0].webhook).toEqual({ secret: '[redacted]', custom_headers: '[redacted]' });
    expect(JSON.stringify(lines)).not.toMatch(/whsec_|hk_live_|Bearer x/);
  });

  it("turns Nest's log calls into the same lines, with the context and an error's stack", () => {
    const { lines, log } = capture();
    const nest = new PinoNestLogger(log);
    nest.log('Worker started', 'Bootstrap');
    nest.warn('Sweep skipped', 'OutboxSweeper');
    nest.error('Boom', 'Error: Boom\n    at somewhere', 'RetentionJob');
    nest.debug({ swept: 3 }, 'OutboxSweeper');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'Worker started', context: 'Bootstrap' }),
      expect.objectContaining({ level: 'warn', msg: 'Sweep skipped', context: 'OutboxSweeper' }),
      expect.objectContaining({ level: 'error', msg: 'Boom', context: 'RetentionJob', stack: expect.stringContaining('at somewhere') }),
      expect.objectContaining({ level: 'debug', swept: 3, context: 'OutboxSweeper' }),
    ]);
  });

  it("is what Nest's Logger facade reaches, and writes nothing at LOG_LEVEL=silent", () => {
    const shown = capture('info');
    const hidden = capture('silent');
    try {
      Logger.overrideLogger(new PinoNestLogger(shown.log));
      new Logger('OutboxSweeper').warn('Outbox sweep skipped');
      new Logger('OutboxSweeper').debug('below info');
      Logger.overrideLogger(new PinoNestLogger(hidden.log));
      new Logger('Anything').error('not shown');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(shown.lines).toEqual([expect.objectContaining({ level: 'warn', app: 'worker', msg: 'Outbox sweep skipped', context: 'OutboxSweeper' })]);
    expect(hidden.lines).toEqual([]);
  });
});
