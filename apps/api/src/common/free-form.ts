import type { TransformerPackage } from '@nestjs/common/interfaces/external/transformer-package.interface';
import { ClassConstructor, ClassTransformOptions, instanceToPlain, plainToInstance } from 'class-transformer';

const FREE_FORM = Symbol('hookline:free-form');

/**
 * A DTO property whose value is the tenant's own JSON (event data, a JSON Schema, a custom payload or header set):
 * it reaches the DTO exactly as parsed. class-transformer would otherwise rebuild it key by key, which drops a
 * `__proto__` key (the assignment sets the copy's prototype instead) and throws on a key named `constructor` whose
 * value is not a class (it reads it as the type to build): a 500 for `{"data":{"constructor":"Ferrari"}}`.
 */
export function FreeForm(): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    const declared: Array<string | symbol> = Reflect.getMetadata(FREE_FORM, target) ?? [];
    Reflect.defineMetadata(FREE_FORM, [...declared, property], target);
  };
}

/** class-transformer for the validation pipe, with @FreeForm() properties set aside and put back untouched. */
export const freeFormTransformer: TransformerPackage = {
  plainToInstance: freeFormPlainToInstance as TransformerPackage['plainToInstance'],
  classToPlain: instanceToPlain as TransformerPackage['classToPlain'],
};

function freeFormPlainToInstance(metatype: ClassConstructor<object>, value: unknown, options?: ClassTransformOptions): object {
  const declared: string[] = (metatype?.prototype && Reflect.getMetadata(FREE_FORM, metatype.prototype)) ?? [];
  if (declared.length === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) return plainToInstance(metatype, value, options);
  const rest: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const held: Array<[string, unknown]> = [];
  for (const key of declared) {
    if (!Object.prototype.hasOwnProperty.call(rest, key)) continue;
    held.push([key, rest[key]]);
    delete rest[key];
  }
  const instance = plainToInstance(metatype, rest, options) as Record<string, unknown>;
  // Declared property names only, so no assignment here can reach a prototype.
  for (const [key, kept] of held) instance[key] = kept;
  return instance;
}
