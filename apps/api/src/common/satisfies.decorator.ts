import { registerDecorator, ValidationArguments } from 'class-validator';

interface Violation {
  field: string;
  message: string;
}

/** Runs one of the pure rule functions of @hookline/webhook-rules as a class-validator check; its violations become the message. */
export function Satisfies(rule: (value: unknown) => Violation[]): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'satisfies',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => rule(value).length === 0,
        defaultMessage: (args?: ValidationArguments) =>
          rule(args?.value)
            .map((violation) => `${violation.field}: ${violation.message}`)
            .join('; '),
      },
    });
  };
}
