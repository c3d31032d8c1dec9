import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { PublishEventDto } from './dto/publish-event.dto';
import { EventsService, PublishedEventView } from './events.service';

@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(private readonly events: EventsService) {}

  /** 202 for a new event; 200 and `Idempotent-Replayed: true` when the idempotency key named an earlier one. */
  @Post()
  @HttpCode(202)
  @ResponseMessage('Event accepted')
  async publish(
    @Tenant() tenant: TenantContext,
    @Body() body: PublishEventDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PublishedEventView> {
    const outcome = await this.events.publish(tenant.tenantId, body, request.header('idempotency-key'), request.header('x-request-id'));
    if (outcome.replayed) response.status(200).setHeader('Idempotent-Replayed', 'true');
    return outcome.view;
  }
}
