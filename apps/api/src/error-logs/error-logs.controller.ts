import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { Tenant, TenantContext } from '../common/tenant';
import { ErrorLogsQuery, ErrorLogView, ErrorLogsService } from './error-logs.service';

@Controller('v1/error-logs')
@UseGuards(ApiKeyGuard)
export class ErrorLogsController {
  constructor(private readonly errorLogs: ErrorLogsService) {}

  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: ErrorLogsQuery): Promise<Page<ErrorLogView>> {
    return this.errorLogs.list(tenant.tenantId, query);
  }
}
