import { Injectable } from '@nestjs/common';
import { EventType } from '@hookline/db';
import { ErrorDetail } from '../common/api-error';
import { compileSchema, DataValidator } from './json-schema';

/** Compiled validators kept in memory; bounded, least recently used dropped first. */
const MAX_CACHED = 1000;

interface Entry {
  /** updated_at in ms: it strictly increases on every change of the type, so a stale validator is never used. */
  stamp: number;
  validate: DataValidator;
}

/** Compiling a schema costs milliseconds; validating with a compiled one, microseconds. Compile once per version. */
@Injectable()
export class EventSchemaCache {
  private readonly validators = new Map<string, Entry>();

  /** The schema errors of `data` for this event type, none when it has no schema. */
  validate(type: EventType, data: unknown): ErrorDetail[] {
    if (!type.schema) return [];
    return this.validatorFor(type)(data);
  }

  private validatorFor(type: EventType): DataValidator {
    const stamp = type.updatedAt.getTime();
    const cached = this.validators.get(type.id);
    this.validators.delete(type.id);
    const entry = cached && cached.stamp === stamp ? cached : { stamp, validate: this.compile(type) };
    this.validators.set(type.id, entry);
    if (this.validators.size > MAX_CACHED) this.validators.delete(this.validators.keys().next().value as string);
    return entry.validate;
  }

  /** A schema saved before today's rules may no longer compile: its type refuses events rather than skip the check. */
  private compile(type: EventType): DataValidator {
    const compiled = compileSchema(type.schema);
    if (compiled.ok) return compiled.validate;
    const details = compiled.details.map((detail) => ({ field: 'event_type', message: `its schema no longer compiles: ${detail.field}: ${detail.message}` }));
    return () => details;
  }
}
