import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError, ErrorDetail } from './api-error';

const TYPE_CHECKS = ['whitelistValidation', 'isDefined', 'isInt', 'isNumber', 'isString', 'isUuid', 'isObject', 'isBoolean', 'isDateString', 'isIn'];

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // One detail per offending field: the type check ("must be an integer") says more than a bound that follows from it.
    const constraints = error.constraints ?? {};
    const key = TYPE_CHECKS.find((name) => name in constraints) ?? Object.keys(constraints)[0];
    const own = key ? [{ field, message: constraints[key] }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** class-validator DTOs; failures answer 422 with one detail per field, unknown fields are refused. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => ApiError.validation(flatten(errors)),
  });
}
