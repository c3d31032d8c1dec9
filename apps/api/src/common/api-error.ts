import { HttpException, HttpStatus } from '@nestjs/common';

export interface ErrorDetail {
  field?: string;
  message: string;
}

/** An HTTP error carrying the envelope's machine code and details. */
export class ApiError extends HttpException {
  constructor(status: HttpStatus, readonly code: string, message: string, readonly details: ErrorDetail[] = [], readonly headers: Record<string, string> = {}) {
    super(message, status);
  }

  static notFound(what: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, 'not_found', `${what} not found`);
  }

  static validation(details: ErrorDetail[]): ApiError {
    return new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'validation_failed', 'Validation failed', details);
  }

  static conflict(code: string, message: string): ApiError {
    return new ApiError(HttpStatus.CONFLICT, code, message);
  }

  static badRequest(code: string, message: string, details: ErrorDetail[] = []): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, code, message, details);
  }

  static unauthorized(message = 'Missing or invalid credentials'): ApiError {
    return new ApiError(HttpStatus.UNAUTHORIZED, 'unauthorized', message);
  }
}
