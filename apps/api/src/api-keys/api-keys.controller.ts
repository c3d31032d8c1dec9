import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { PageQuery } from '../common/pagination.dto';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.decorator';
import { ApiKeyView } from './api-key.view';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeyModel } from './api-key.schema';

@ApiTags('api-keys')
@ApiTenantAuth()
@Controller('v1/api-keys')
@UseGuards(ApiKeyGuard)
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @ApiEnvelope(ApiKeyModel, { page: true })
  @ApiOperation({ summary: "The tenant's API keys, revoked ones included (never the keys themselves)" })
  @ApiErrors(422)
  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: PageQuery): Promise<Page<ApiKeyView>> {
    return this.apiKeys.list(tenant.tenantId, query);
  }

  @ApiEnvelope(ApiKeyModel)
  @ApiOperation({ summary: 'Create an API key; `data.key` is shown this once' })
  @ApiBody({ type: CreateApiKeyDto, required: false })
  @ApiErrors(...BODY_ERRORS)
  @Post()
  @HttpCode(201)
  @ResponseMessage('API key created; store it now, it is not shown again')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateApiKeyDto): Promise<ApiKeyView> {
    return this.apiKeys.create(tenant.tenantId, body);
  }

  @ApiEnvelope(ApiKeyModel)
  @ApiOperation({ summary: 'Revoke an API key; it answers 401 at once' })
  @ApiErrors(404, [409, "last_active_key: the tenant's last active key cannot be revoked"])
  @Delete(':id')
  @ResponseMessage('API key revoked')
  revoke(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<ApiKeyView> {
    return this.apiKeys.revoke(tenant.tenantId, id);
  }
}
