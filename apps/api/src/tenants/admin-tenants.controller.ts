import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { ResponseMessage } from '../common/envelope';
import { ApiAdminAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.decorator';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { CreatedTenant, TenantsService } from './tenants.service';
import { CreatedTenantModel } from './created-tenant.schema';

@ApiTags('admin')
@ApiAdminAuth()
@Controller('admin/tenants')
@UseGuards(AdminTokenGuard)
export class AdminTenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @ApiEnvelope(CreatedTenantModel)
  @ApiOperation({ summary: 'Create a tenant and its first API key (shown this once)' })
  @ApiErrors(...BODY_ERRORS)
  @Post()
  @ResponseMessage('Tenant created')
  create(@Body() body: CreateTenantDto): Promise<CreatedTenant> {
    return this.tenants.create(body.name);
  }
}
