import { ExecutionContext, HttpException } from '@nestjs/common';
import multer from 'multer';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { reliesOn } from '../../../../test/support/framework-internals';
import { FILE_FIELD, MultipartFileGuard } from './multipart-file.guard';

type Outcome = { file?: { fieldname: string; size: number; buffer: Buffer }; error?: { status: number; message: string } };

/**
 * MultipartFileGuard runs multer through helpers of @nestjs/platform-express that its index does not export
 * (`multer/multer/multer.utils`: applyDefaultLimits, runMulter, and the exception mapping inside runMulter). These
 * checks fail, naming the package, if a release moves or changes them.
 */
describe('MultipartFileGuard (on @nestjs/platform-express multer internals)', () => {
  let server: Server;
  let url: string;
  const guard = new MultipartFileGuard({ storage: multer.memoryStorage(), limits: { fileSize: 16 } });

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const context = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ExecutionContext;
      guard.canActivate(context).then(
        () => {
          const { file } = request as IncomingMessage & { file?: Outcome['file'] };
          response.end(JSON.stringify({ file: file && { fieldname: file.fieldname, size: file.size } }));
        },
        (error: unknown) => {
          const status = error instanceof HttpException ? error.getStatus() : 500;
          response.end(JSON.stringify({ error: { status, message: (error as Error).message } }));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const send = async (bytes: number, field = FILE_FIELD): Promise<Outcome> => {
    const form = new FormData();
    form.append(field, new Blob([Buffer.alloc(bytes, 'x')]), 'hello.txt');
    return (await fetch(url, { method: 'POST', body: form })).json() as Promise<Outcome>;
  };

  it('reads the file of the field into req.file once multer is done', async () => {
    await reliesOn('@nestjs/platform-express', 'resolves runMulter after multer has parsed the body', 'apps/api/src/uploads/multipart-file.guard.ts', async () => {
      const outcome = await send(10);
      if (outcome.file?.size !== 10 || outcome.file.fieldname !== FILE_FIELD) throw new Error(`req.file is ${JSON.stringify(outcome)}`);
    });
  });

  it("maps multer's errors to Nest's HTTP exceptions (413 over the size limit, 400 for another field)", async () => {
    await reliesOn('@nestjs/platform-express', "maps multer's errors in runMulter (transformException)", 'apps/api/src/uploads/multipart-file.guard.ts', async () => {
      const tooLarge = await send(17);
      if (tooLarge.error?.status !== 413) throw new Error(`a file over the limit gave ${JSON.stringify(tooLarge)}, not a 413`);
      const otherField = await send(5, 'attachment');
      if (otherField.error?.status !== 400) throw new Error(`a file in another field gave ${JSON.stringify(otherField)}, not a 400`);
    });
  });
});
