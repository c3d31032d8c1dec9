import { Inject, Injectable } from '@nestjs/common';
import { EventTypesRepository, OutboxRepository, Upload, UploadsRepository } from '@hookline/db';
import { UPLOAD_STORAGE, UploadStorage } from '@hookline/storage';
import { ApiError } from '../common/api-error';
import { OutboxRelay } from '../outbox/outbox-relay';
import type { StoredFile } from './streaming-upload.storage';
import { cleanContentType, cleanFilename } from './upload-names';
import { webhookDisabled } from './upload-target.guard';

export interface UploadResult {
  upload_id: string;
  event_id: string;
  delivery_id: string;
  filename: string;
  size: number;
  sha256: string;
}

export interface UploadView {
  id: string;
  webhook_id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  created_at: string;
}

const SYSTEM_TYPE = 'file.uploaded';

@Injectable()
export class UploadsService {
  /** The system type's id: made by a migration and never changed or removed, so it is looked up once. */
  private systemTypeId: string | null = null;

  constructor(
    private readonly eventTypes: EventTypesRepository,
    private readonly outbox: OutboxRepository,
    private readonly uploads: UploadsRepository,
    private readonly relay: OutboxRelay,
    @Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage,
  ) {}

  /** Upload, `file.uploaded` event and delivery in one statement; the job is queued after the commit. */
  async accept(tenantId: string, webhookId: string, file: (Express.Multer.File & StoredFile) | undefined, requestId?: string): Promise<UploadResult> {
    if (!file) throw ApiError.badRequest('file_missing', 'Send the file as multipart/form-data in the field "file"');
    try {
      // The webhook is looked up (and held FOR SHARE) by the statement that records the upload: 404 and 409 come from it.
      const filename = cleanFilename(file.originalname);
      const recorded = await this.outbox.recordUpload(tenantId, {
        webhookId,
        eventTypeId: await this.systemType(),
        filename,
        contentType: cleanContentType(file.mimetype),
        size: file.size,
        sha256: file.sha256,
        storageKey: file.storageKey,
      });
      if (!recorded.recorded) {
        throw recorded.reason === 'disabled' ? webhookDisabled() : ApiError.notFound('Webhook');
      }
      // Committed: delivery is guaranteed from here (see DeliveryFanOut), so the answer does not wait for Redis.
      void this.relay.relay([{ deliveryId: recorded.deliveryId, tenantId, requestId }]);
      return { upload_id: recorded.uploadId, event_id: recorded.eventId, delivery_id: recorded.deliveryId, filename, size: file.size, sha256: file.sha256 };
    } catch (error) {
      // Nothing recorded it: the stored bytes would be an orphan.
      await this.storage.remove(file.storageKey).catch(() => undefined);
      throw error;
    }
  }

  private async systemType(): Promise<string> {
    if (this.systemTypeId) return this.systemTypeId;
    const eventType = await this.eventTypes.getSystem(SYSTEM_TYPE);
    if (!eventType) throw new Error(`The system event type ${SYSTEM_TYPE} is missing: run the migrations`);
    this.systemTypeId = eventType.id;
    return eventType.id;
  }

  async get(tenantId: string, id: string): Promise<UploadView> {
    const upload = await this.uploads.getById(tenantId, id);
    if (!upload) throw ApiError.notFound('Upload');
    return toUploadView(upload);
  }
}

function toUploadView(upload: Upload): UploadView {
  return {
    id: upload.id,
    webhook_id: upload.webhookId,
    filename: upload.filename,
    content_type: upload.contentType,
    size: upload.size,
    sha256: upload.sha256,
    created_at: upload.createdAt.toISOString(),
  };
}
