import { CanActivate, Controller, Get, Header, HttpCode, Injectable, INestApplication, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { reliesOn } from '../../../../test/support/framework-internals';
import { Raw, ResponseMessage } from './envelope';
import { applyEnvelope } from './envelope-handlers';

@Injectable()
class Refuse implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Controller('probe')
class ProbeController {
  @Get()
  @ResponseMessage('Probed')
  @Header('x-probe', 'yes')
  read(): { ok: boolean } {
    return { ok: true };
  }

  @Post()
  @HttpCode(202)
  async accept(): Promise<{ accepted: number }> {
    return { accepted: 1 };
  }

  @Get('raw')
  @Raw()
  raw(): string {
    return 'as it is';
  }

  @Get('guarded')
  @UseGuards(Refuse)
  guarded(): string {
    return 'never';
  }
}

@Module({ controllers: [ProbeController], providers: [Refuse] })
class ProbeModule {}

/**
 * applyEnvelope replaces each route handler on its controller instance before Nest initialises the app, relying on
 * @nestjs/core reading `instance[methodName]` (not the prototype's method) when it builds the routes, and on every
 * route option living in metadata that can be copied onto the wrapper. A release that changes either fails here.
 */
describe('applyEnvelope (on how @nestjs/core builds routes from controller methods)', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(ProbeModule, { logger: false });
    applyEnvelope(app);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/probe`;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('wraps what a handler returns, sync or async, keeping its status code, headers and message', async () => {
    await reliesOn('@nestjs/core', 'routes to the handler found on the controller instance at init, with its metadata', 'apps/api/src/common/envelope-handlers.ts', async () => {
      const read = await fetch(base);
      const readBody = await read.json();
      if (read.status !== 200 || read.headers.get('x-probe') !== 'yes') throw new Error(`GET answered ${read.status} without the handler's header`);
      if (JSON.stringify(readBody) !== JSON.stringify({ message: 'Probed', data: { ok: true }, error: false })) throw new Error(`GET answered ${JSON.stringify(readBody)}, not the envelope`);
      const accepted = await fetch(base, { method: 'POST' });
      const acceptedBody = await accepted.json();
      if (accepted.status !== 202) throw new Error(`POST answered ${accepted.status}, not the handler's @HttpCode(202)`);
      if (JSON.stringify(acceptedBody) !== JSON.stringify({ message: 'ok', data: { accepted: 1 }, error: false })) throw new Error(`POST answered ${JSON.stringify(acceptedBody)}`);
    });
  });

  it('leaves @Raw() handlers alone and keeps guards in front of the wrapper', async () => {
    await reliesOn('@nestjs/core', 'reads guards and route metadata from the handler it calls', 'apps/api/src/common/envelope-handlers.ts', async () => {
      const raw = await fetch(`${base}/raw`);
      if ((await raw.text()) !== 'as it is') throw new Error('a @Raw() handler was wrapped');
      const guarded = await fetch(`${base}/guarded`);
      if (guarded.status !== 403) throw new Error(`a guarded route answered ${guarded.status}, not 403: the guard was lost`);
    });
  });
});
