import { plainToInstance } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsString, MaxLength, validate } from 'class-validator';
import { BadRequestError, createParamDecorator } from 'routing-controllers';

// class-validator runs a property's decorators bottom-up; with `stopAtFirstError` the first
// failure is the one reported, so the most basic check sits at the bottom.

/** The body of `POST /login`. */
export class LoginDto {
  @MaxLength(64, { message: 'username must be at most 64 characters' })
  @IsNotEmpty({ message: 'username must not be empty' })
  @IsString({ message: 'username must be a string' })
  @IsDefined({ message: 'username is required' })
  username!: string;

  @MaxLength(256, { message: 'password must be at most 256 characters' })
  @IsNotEmpty({ message: 'password must not be empty' })
  @IsString({ message: 'password must be a string' })
  @IsDefined({ message: 'password is required' })
  password!: string;
}

/** A 400 whose message names every field at fault (and never echoes a value: it may be a password). */
export class InvalidBodyError extends BadRequestError {
  constructor(
    message: string,
    /** Each failing field and why, for clients that show errors per field. */
    readonly errors: { property: string; messages: string[] }[],
  ) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'InvalidBodyError';
  }
}

type DtoClass<T extends object> = new () => T;

/**
 * Turn a JSON body into a validated DTO, or throw {@link InvalidBodyError}.
 * routing-controllers' built-in validation answers "Invalid body, check 'errors' property for more
 * info." and echoes the submitted values; we want the message itself to say what is wrong.
 */
export async function validateBody<T extends object>(cls: DtoClass<T>, body: unknown, what: string): Promise<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidBodyError(`Invalid ${what} body: expected a JSON object`, []);
  }
  const dto = plainToInstance(cls, body);
  const failures = await validate(dto, { forbidUnknownValues: true, stopAtFirstError: true, validationError: { target: false, value: false } });
  if (failures.length > 0) {
    const errors = failures.map((failure) => ({ property: failure.property, messages: Object.values(failure.constraints ?? {}) }));
    throw new InvalidBodyError(`Invalid ${what} body: ${errors.flatMap((error) => error.messages).join('; ')}`, errors);
  }
  return dto;
}

/**
 * `@ValidBody(LoginDto, 'login')`: the request's JSON body, validated. The app parses JSON
 * with `express.json()`; an absent body counts as `{}` so the message names the missing fields.
 */
export function ValidBody<T extends object>(cls: DtoClass<T>, what: string): ReturnType<typeof createParamDecorator> {
  return createParamDecorator({
    required: false,
    value: (action) => validateBody(cls, (action.request as { body?: unknown }).body ?? {}, what),
  });
}
