import 'reflect-metadata';
import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AddressInfo } from 'node:net';

/**
 * The yardstick for ingestion: the same framework (NestJS on Express, same versions) with one endpoint that accepts
 * the same JSON body and answers 202 doing nothing, so the ratio shows what Hookline's own work costs.
 */
@Controller()
class BareController {
  @Post('v1/events')
  @HttpCode(202)
  accept(): void {}
}

@Module({ controllers: [BareController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false });
  app.disable('x-powered-by');
  await app.listen(0, '127.0.0.1');
  process.send?.({ type: 'ready', port: (app.getHttpServer().address() as AddressInfo).port });
}

process.on('disconnect', () => process.exit(0));
main().catch((error: unknown) => {
  process.stderr.write(`bare app: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
