import { All, Controller, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CaptureService } from './capture.service';

/** The bin URLs webhooks are sent to: any method, any path below the bin. */
@Controller('b')
export class CaptureController {
  constructor(private readonly captures: CaptureService) {}

  @All([':id', ':id/*path'])
  capture(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.captures.capture(id, request, response);
  }
}
