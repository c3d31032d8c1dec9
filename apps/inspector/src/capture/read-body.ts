import { Readable } from 'node:stream';

export interface ReadBody {
  body: Buffer;
  /** The stream had more than `maxBytes`; reading stopped there and the rest was never consumed. */
  truncated: boolean;
}

/**
 * Reads a request body into memory, never more than `maxBytes` of it. Rejects when the stream fails or closes
 * before its end (a sender that went away), so no read is left waiting forever.
 */
export function readBody(stream: Readable, maxBytes: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const detach = () => stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    const finish = (truncated: boolean) => {
      detach();
      resolve({ body: Buffer.concat(chunks, Math.min(size, maxBytes)), truncated });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        stream.pause();
        finish(true);
      }
    };
    const onEnd = () => finish(false);
    const onError = (error: Error) => {
      detach();
      reject(error);
    };
    const onClose = () => onError(new Error('body stream closed before its end'));
    stream.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}
