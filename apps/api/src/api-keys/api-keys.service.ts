import { Injectable } from '@nestjs/common';
import { ApiKeysRepository, Page } from '@hookline/db';
import { generateApiKey } from '@hookline/signing';
import { ApiError } from '../common/api-error';
import { DEFAULT_PAGE_SIZE, PageQuery } from '../common/pagination.dto';
import { InvalidationBus } from '../cache/invalidation-bus';
import { ApiKeyView, toApiKeyView } from './api-key.view';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly invalidations: InvalidationBus,
  ) {}

  async list(tenantId: string, query: PageQuery): Promise<Page<ApiKeyView>> {
    const page = await this.apiKeys.page(tenantId, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
    return { items: page.items.map((key) => toApiKeyView(key)), next_cursor: page.next_cursor };
  }

  /** The plaintext is returned this once; only its hash is stored. */
  async create(tenantId: string, input: CreateApiKeyDto): Promise<ApiKeyView> {
    const generated = generateApiKey();
    const key = await this.apiKeys.create(tenantId, { name: input.name ?? null, prefix: generated.prefix, hash: generated.hash });
    return toApiKeyView(key, generated.plaintext);
  }

  /**
   * Takes effect on the next request: the key leaves this process's cache before this answers, and the other API
   * processes' within a Redis round trip (InvalidationBus). Revoking the key making the request is
   * allowed, as Svix allows it (rotate: create a new key, then revoke the old one with either). Revoking the tenant's
   * last active key is refused: nothing could create another. Revoking a revoked key answers it as it is.
   */
  async revoke(tenantId: string, id: string): Promise<ApiKeyView> {
    const result = await this.apiKeys.revokeUnlessLast(tenantId, id);
    if (result.outcome === 'not_found') throw ApiError.notFound('API key');
    if (result.outcome === 'last_active_key') {
      throw ApiError.conflict('last_active_key', 'This is the tenant\'s last active API key; create another before revoking it');
    }
    if (result.outcome === 'revoked') await this.invalidations.announce({ kind: 'api-key', keyId: result.key.id });
    return toApiKeyView(result.key);
  }
}
