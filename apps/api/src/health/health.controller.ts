import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { HealthService, Readiness } from './health.service';
import { LivenessModel } from './liveness.schema';
import { ReadinessModel } from './readiness.schema';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process answers. */
  @ApiEnvelope(LivenessModel)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @Get('health')
  @HttpCode(HttpStatus.OK)
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** Readiness: PostgreSQL and Redis both answer; 503 names the one that does not. */
  @ApiEnvelope(ReadinessModel, { status: 503, description: 'Not ready: `data` names what is down' })
  @ApiEnvelope(ReadinessModel)
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis both answer' })
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    const readiness = await this.health.check();
    if (!readiness.ready) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return readiness;
  }
}
