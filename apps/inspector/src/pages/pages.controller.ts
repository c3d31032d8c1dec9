import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { InspectorUrls } from '../public-url';
import { PagesService } from './pages.service';

/** The human side: server-rendered pages that refresh themselves. */
@Controller()
export class PagesController {
  constructor(
    private readonly pages: PagesService,
    private readonly urls: InspectorUrls,
  ) {}

  @Get()
  index(@Req() request: Request, @Res() response: Response): void {
    const nonce = sendAsPage(response);
    response.send(this.pages.index(this.urls.bases(request), nonce));
  }

  @Get('bins/:id')
  bin(@Param('id') id: string, @Req() request: Request, @Res() response: Response): void {
    const nonce = sendAsPage(response);
    const page = this.pages.bin(id, this.urls.bases(request), nonce);
    response.status(page.status).send(page.html);
  }
}

/**
 * Headers for a page that shows attacker-chosen bodies: besides escaping everything, the policy lets only this
 * response's own inline script and style run, and lets scripts talk to the inspector alone.
 */
function sendAsPage(response: Response): string {
  const nonce = randomBytes(16).toString('base64');
  response.set({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy':
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; ` +
      "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  });
  return nonce;
}
