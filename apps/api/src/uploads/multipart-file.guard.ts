import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { MULTER_MODULE_OPTIONS } from '@nestjs/platform-express/multer/files.constants';
import type { MulterOptions } from '@nestjs/platform-express/multer/interfaces/multer-options.interface';
import { applyDefaultLimits, runMulter } from '@nestjs/platform-express/multer/multer/multer.utils';
import multer from 'multer';

/** The multipart field that carries the file, as in the reference design's curl walkthrough. */
export const FILE_FIELD = 'file';

/**
 * Reads the multipart body with multer (the module's options: the streaming storage engine and the limits) and sets
 * `req.file`, as the route's last guard: after the API key, the rate limit and the target check, so a refused upload
 * is never read. It does what `FileInterceptor` does, through the same helpers of @nestjs/platform-express (the
 * default part limit, multer's errors mapped to 4xx, the request destroyed if the response goes out while the body is
 * still arriving), but a Nest interceptor on a route also runs every request of it through an rxjs pipeline, which
 * measured as a noticeable share of the upload's CPU. The handler removes the stored file itself when it fails.
 */
@Injectable()
export class MultipartFileGuard implements CanActivate {
  private readonly readFile: ReturnType<multer.Multer['single']>;

  constructor(@Inject(MULTER_MODULE_OPTIONS) options: MulterOptions) {
    // Nest types the module options itself; they are handed to multer as they are, as FileInterceptor does.
    this.readFile = multer(applyDefaultLimits(options) as multer.Options).single(FILE_FIELD);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    await runMulter(this.readFile, http.getRequest(), http.getResponse());
    return true;
  }
}
