import type { LoggerService } from '@nestjs/common';
import { QuietStartupLogger } from './quiet-startup.logger';

describe('QuietStartupLogger', () => {
  const calls: Array<[string, unknown[]]> = [];
  const inner: LoggerService = {
    log: (...args: unknown[]) => calls.push(['log', args]),
    error: (...args: unknown[]) => calls.push(['error', args]),
    warn: (...args: unknown[]) => calls.push(['warn', args]),
    debug: (...args: unknown[]) => calls.push(['debug', args]),
  };
  beforeEach(() => calls.splice(0));

  it("sends Nest's start-up narration to debug", () => {
    const logger = new QuietStartupLogger(inner);
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/health, GET} route', 'RouterExplorer');
    logger.log('Nest application successfully started', 'NestApplication');
    expect(calls.map(([level]) => level)).toEqual(['debug', 'debug', 'debug']);
  });

  it('keeps every other line at its own level', () => {
    const logger = new QuietStartupLogger(inner);
    logger.log('Hookline API listening on http://127.0.0.1:8081', 'api');
    logger.warn('careful', 'OutboxRelay');
    logger.error('broken', 'stack', 'DeliveryRunner');
    expect(calls).toEqual([
      ['log', ['Hookline API listening on http://127.0.0.1:8081', 'api']],
      ['warn', ['careful', 'OutboxRelay']],
      ['error', ['broken', 'stack', 'DeliveryRunner']],
    ]);
  });
});
