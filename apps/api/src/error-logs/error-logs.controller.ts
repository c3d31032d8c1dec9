import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ErrorLogsQuery, ErrorLogView, ErrorLogsService } from './error-logs.service';
import { ErrorLogModel } from './error-log.schema';

@ApiTags('error-logs')
@ApiTenantAuth()
@Controller('v1/error-logs')
@UseGuards(ApiKeyGuard)
export class ErrorLogsController {
  constructor(private readonly errorLogs: ErrorLogsService) {}

  @ApiEnvelope(ErrorLogModel, { page: true })
  @ApiOperation({ summary: 'Error log entries: deliveries that failed for good, endpoints disabled' })
  @ApiErrors(422)
  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: ErrorLogsQuery): Promise<Page<ErrorLogView>> {
    return this.errorLogs.list(tenant.tenantId, query);
  }
}
