import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError, ErrorDetail } from './api-error';
import { freeFormTransformer } from './free-form';

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

/**
 * Nest's pipe deletes `__proto__`, `constructor` and `prototype` keys at every depth before validating, which changed
 * tenants' event data without a word. Those keys are refused where they would be dangerous (the top level of a body
 * or query: inputGuard; custom payloads: the webhook rules) and kept as data everywhere else, so nothing is removed
 * here. Free-form fields (@FreeForm()) reach their DTO as parsed, never rebuilt key by key by class-transformer.
 */
class KeepingValidationPipe extends ValidationPipe {
  protected override stripProtoKeys(): void {}
}

/** class-validator DTOs; failures answer 422 with one detail per field, unknown fields are refused. */
export function createValidationPipe(): ValidationPipe {
  return new KeepingValidationPipe({
    transformerPackage: freeFormTransformer,
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => ApiError.validation(flatten(errors)),
  });
}
