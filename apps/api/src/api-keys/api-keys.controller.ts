import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { PageQuery } from '../common/pagination.dto';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiKeyView } from './api-key.view';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@Controller('v1/api-keys')
@UseGuards(ApiKeyGuard)
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: PageQuery): Promise<Page<ApiKeyView>> {
    return this.apiKeys.list(tenant.tenantId, query);
  }

  @Post()
  @HttpCode(201)
  @ResponseMessage('API key created; store it now, it is not shown again')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateApiKeyDto): Promise<ApiKeyView> {
    return this.apiKeys.create(tenant.tenantId, body);
  }

  @Delete(':id')
  @ResponseMessage('API key revoked')
  revoke(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<ApiKeyView> {
    return this.apiKeys.revoke(tenant.tenantId, id);
  }
}
