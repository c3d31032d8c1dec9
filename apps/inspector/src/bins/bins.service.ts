import { BadRequestException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { isUsableSecret } from '../capture/signature';
import type { BinUrlBases } from '../public-url';
import { Bin, BinStore } from './bin.store';
import { BinView, RequestView, toBinView, toRequestView } from './bin.view';
import { BinConfigDto } from './dto/bin-config.dto';

@Injectable()
export class BinsService {
  constructor(private readonly store: BinStore) {}

  create(bases: BinUrlBases): BinView {
    return toBinView(this.store.create(), bases);
  }

  list(bases: BinUrlBases): BinView[] {
    return this.store.list().map((bin) => toBinView(bin, bases));
  }

  configure(id: string, dto: BinConfigDto | undefined, bases: BinUrlBases): BinView {
    const bin = this.require(id);
    // No body, another content type or a JSON array reach here as undefined or an array.
    if (!dto || Array.isArray(dto)) throw new BadRequestException('Send a JSON object: { "status"?, "delay_ms"?, "secret"? }');
    if (typeof dto.secret === 'string' && !isUsableSecret(dto.secret)) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        message: ['secret must be a Standard Webhooks secret: whsec_ followed by base64'],
        error: 'Unprocessable Entity',
      });
    }
    if (dto.status !== undefined) bin.settings.status = dto.status;
    if (dto.delay_ms !== undefined) bin.settings.delayMs = dto.delay_ms;
    if (dto.secret !== undefined) bin.settings.secret = dto.secret;
    return toBinView(bin, bases);
  }

  /** Newest first, at most `limit`. */
  requests(id: string, limit: number): RequestView[] {
    const { requests } = this.require(id);
    return requests.slice(-limit).reverse().map(toRequestView);
  }

  require(id: string): Bin {
    const bin = this.store.get(id);
    if (!bin) throw new NotFoundException({ statusCode: 404, message: `No bin ${id}: it never existed or was dropped as the oldest`, error: 'Not Found' });
    return bin;
  }
}
