import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';

// The S3 client is loaded only when S3 storage is configured: it is a large module.
const s3 = () => import('@aws-sdk/client-s3');

export interface StoredObject {
  body: Readable;
  contentType: string;
  size: number;
}

/** Uploaded files (photos, attachments, recordings), addressed by an opaque key. */
export interface Storage {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<StoredObject | null>;
  delete(key: string): Promise<void>;
  ping(): Promise<void>;
}

const SAFE_KEY = /^[a-z0-9][a-z0-9/_-]{0,200}$/;
function checkKey(key: string) {
  if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`unsafe storage key: ${key}`);
}

/** Files in a folder, with the content type in a sidecar so a read needs no sniffing. */
export class LocalStorage implements Storage {
  constructor(private readonly dir: string) {}

  async put(key: string, bytes: Buffer, contentType: string) {
    checkKey(key);
    const file = path.join(this.dir, key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await writeFile(`${file}.type`, contentType);
      await rename(tmp, file);
    } catch (error) {
      // A full disk left half-written files that kept it full; take back what this write took.
      await Promise.all([rm(tmp, { force: true }), rm(`${file}.type`, { force: true })]);
      throw error;
    }
  }
  async get(key: string) {
    checkKey(key);
    const file = path.join(this.dir, key);
    try {
      const [info, contentType] = await Promise.all([stat(file), readFile(`${file}.type`, 'utf8')]);
      return { body: createReadStream(file), contentType, size: info.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
  async delete(key: string) {
    checkKey(key);
    const file = path.join(this.dir, key);
    await rm(file, { force: true });
    await rm(`${file}.type`, { force: true });
  }
  async ping() {
    await mkdir(this.dir, { recursive: true });
  }
}

export interface S3Target {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

export class S3Storage implements Storage {
  private readonly client: Promise<S3Client>;
  constructor(private readonly target: S3Target) {
    this.client = s3().then(
      ({ S3Client }) =>
        new S3Client({
          region: target.region,
          endpoint: target.endpoint,
          forcePathStyle: target.forcePathStyle,
          // S3-compatible servers (MinIO, s3rver, R2) reject the newer default checksum headers.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          credentials:
            target.accessKeyId && target.secretAccessKey
              ? { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey }
              : undefined,
        }),
    );
  }
  async put(key: string, bytes: Buffer, contentType: string) {
    checkKey(key);
    const { PutObjectCommand } = await s3();
    await (await this.client).send(new PutObjectCommand({ Bucket: this.target.bucket, Key: key, Body: bytes, ContentType: contentType }));
  }
  async get(key: string) {
    checkKey(key);
    const { GetObjectCommand, NoSuchKey } = await s3();
    try {
      const out = await (await this.client).send(new GetObjectCommand({ Bucket: this.target.bucket, Key: key }));
      return {
        body: out.Body as Readable,
        contentType: out.ContentType ?? 'application/octet-stream',
        size: out.ContentLength ?? 0,
      };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }
  async delete(key: string) {
    checkKey(key);
    const { DeleteObjectCommand } = await s3();
    await (await this.client).send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: key }));
  }
  async ping() {
    const { HeadBucketCommand } = await s3();
    await (await this.client).send(new HeadBucketCommand({ Bucket: this.target.bucket }));
  }
}
