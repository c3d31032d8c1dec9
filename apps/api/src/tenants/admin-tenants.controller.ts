import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { ResponseMessage } from '../common/envelope';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { CreatedTenant, TenantsService } from './tenants.service';

@Controller('admin/tenants')
@UseGuards(AdminTokenGuard)
export class AdminTenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @ResponseMessage('Tenant created')
  create(@Body() body: CreateTenantDto): Promise<CreatedTenant> {
    return this.tenants.create(body.name);
  }
}
