import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { RequestId } from '../common/request-id';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.decorator';
import { PublishEventDto } from './dto/publish-event.dto';
import { EventsService, PublishedEventView } from './events.service';
import { PublishedEventModel } from './published-event.schema';

@ApiTags('events')
@ApiTenantAuth()
@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(private readonly events: EventsService) {}

  /** 202 for a new event; 200 and `Idempotent-Replayed: true` when the idempotency key named an earlier one. */
  @ApiEnvelope(PublishedEventModel, { status: 200, description: 'Replayed: the idempotency key named an earlier event (`Idempotent-Replayed: true`); nothing was created' })
  @ApiEnvelope(PublishedEventModel)
  @ApiOperation({ summary: 'Publish an event: one delivery per enabled webhook subscribed to its type (and user_id, when given)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same as `idempotency_key` in the body' })
  @ApiErrors(...BODY_ERRORS)
  @Post()
  @HttpCode(202)
  @ResponseMessage('Event accepted')
  async publish(
    @Tenant() tenant: TenantContext,
    @Body() body: PublishEventDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @RequestId() requestId: string | undefined,
  ): Promise<PublishedEventView> {
    // The id the request was logged under (the caller's sane X-Request-Id, else a new one): carried into every job.
    const outcome = await this.events.publish(tenant.tenantId, body, request.header('idempotency-key'), requestId);
    if (outcome.replayed) response.status(200).setHeader('Idempotent-Replayed', 'true');
    return outcome.view;
  }
}
