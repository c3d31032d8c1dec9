/** Every system event type, as GET /event_type lists them (system first, by key): file.uploaded and the operational events. */
export const SYSTEM_EVENT_TYPE_KEYS = ['delivery.exhausted', 'delivery.failing', 'file.uploaded', 'webhook.disabled', 'webhook.probe', 'webhook.recovered'];

/** GET /event_type's entry for each system type; only file.uploaded's text is the reference design's. */
export function systemEventTypeEntries(): unknown[] {
  return SYSTEM_EVENT_TYPE_KEYS.map((key) =>
    key === 'file.uploaded'
      ? { id: expect.any(String), key, name: 'upload file', description: 'Event type for file upload operations' }
      : { id: expect.any(String), key, name: expect.any(String), description: expect.any(String) },
  );
}
