import { Injectable } from '@nestjs/common';
import { DeliveriesRepository } from '@hookline/db';
import { ApiError } from '../common/api-error';
import { DeliveryView, toDeliveryView } from './delivery.view';

@Injectable()
export class DeliveriesService {
  constructor(private readonly deliveries: DeliveriesRepository) {}

  async get(tenantId: string, id: string): Promise<DeliveryView> {
    const delivery = await this.deliveries.getById(tenantId, id);
    if (!delivery) throw ApiError.notFound('Delivery');
    return toDeliveryView(delivery);
  }
}
