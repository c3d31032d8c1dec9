import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { S3Storage } from '@hookline/storage';
import { Platform, Tenant } from './support/platform';

// s3rver: an in-process S3-compatible server (filesystem-backed) that only accepts its own fixed credentials.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

const BUCKET = 'hookline-uploads';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
/** Deterministic, non-repeating-looking bytes, so a misplaced or dropped part changes the hash. */
const bytesOf = (size: number, seed: number): Buffer => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed + (i >> 8)) & 0xff));

describe('uploads with STORAGE_DRIVER=s3 (S3-compatible server in-process)', () => {
  let server: { run(): Promise<AddressInfo>; close(): Promise<void> };
  let directory: string;
  let s3: S3Client;
  let endpoint: string;
  let platform: Platform;
  let tenant: Tenant;
  let webhookId: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'hookline-s3rver-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    platform = await Platform.start(
      {
        STORAGE_DRIVER: 's3',
        S3_BUCKET: BUCKET,
        S3_ENDPOINT: endpoint,
        S3_FORCE_PATH_STYLE: 'true',
        S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        // Above one 5 MiB part, so both a single PUT and a multipart upload are exercised; below the refused upload.
        MAX_UPLOAD_BYTES: String(7 * MiB),
      },
      { worker: false },
    );
    tenant = await platform.createTenant('s3-tenant');
    webhookId = (await platform.registerWebhook(tenant, { url: 'http://127.0.0.1:9/unused' })).id;
  });

  afterAll(async () => {
    await platform?.stop();
    s3?.destroy();
    await server?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  const objectKeys = async (): Promise<string[]> =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((object) => object.Key!).sort();
  const objectBytes = async (key: string): Promise<Buffer> =>
    Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
  const storageKeyOf = async (uploadId: string): Promise<string> =>
    (await platform.db.query<{ storage_key: string }>('SELECT storage_key FROM uploads WHERE id = $1', [uploadId]))[0].storage_key;

  it.each([
    ['a small file (one PUT)', 1000],
    ['a file over one part (multipart)', 6 * MiB + 123],
  ])('stores %s in the bucket with the exact bytes and the hash the API answered', async (_name, size) => {
    const content = bytesOf(size, size % 251);
    const response = await platform.upload(tenant, webhookId, content, 'data.bin');
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ size, sha256: sha256(content) });

    const key = await storageKeyOf(response.body.data.upload_id);
    expect(key).toMatch(new RegExp(`^${tenant.id}/[0-9a-f-]{36}$`));
    expect(sha256(await objectBytes(key))).toBe(sha256(content));
  });

  it('refuses an over-limit upload with 413 and leaves no object behind', async () => {
    const before = await objectKeys();
    const response = await platform.upload(tenant, webhookId, bytesOf(8 * MiB, 7), 'big.bin');
    expect(response.status).toBe(413);
    expect(await objectKeys()).toEqual(before);
  });

  it('S3Storage directly: put, exists, remove; a body failing before the end leaves no object', async () => {
    const storage = new S3Storage({ bucket: BUCKET, region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS });
    try {
      await storage.put('direct/ok', Readable.from([Buffer.from('direct bytes')]), 'text/plain');
      expect(await storage.exists('direct/ok')).toBe(true);
      expect((await objectBytes('direct/ok')).toString()).toBe('direct bytes');
      expect(await storage.remove('direct/ok')).toBe(true);
      expect(await storage.remove('direct/ok')).toBe(false);
      expect(await storage.exists('direct/ok')).toBe(false);

      const body = new PassThrough();
      const put = storage.put('direct/broken', body, 'text/plain');
      body.write('partial');
      setImmediate(() => body.destroy(new Error('client gone')));
      await expect(put).rejects.toThrow('client gone');
      expect(await storage.exists('direct/broken')).toBe(false);
    } finally {
      storage.destroy();
    }
  });
});
