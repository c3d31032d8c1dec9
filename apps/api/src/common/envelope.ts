import { SetMetadata } from '@nestjs/common';

export interface Envelope<T> {
  message: string;
  data: T;
  error: boolean;
}

export const RESPONSE_MESSAGE = 'hookline:response-message';

/** The envelope's `message` for a handler's successful answer (default "ok"). */
export const ResponseMessage = (message: string) => SetMetadata(RESPONSE_MESSAGE, message);

export const RAW_RESPONSE = 'hookline:raw-response';

/** The handler answers as it is (metrics text, HTML): no envelope. */
export const Raw = () => SetMetadata(RAW_RESPONSE, true);
