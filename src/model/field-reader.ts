/**
 * Reads typed fields out of untrusted JSON for one source. Each check throws a {@link SpecError} that names the source
 * and the field ("onsight.spec in model.onnx: input.layout must be ..."); unknown fields become warnings, not errors,
 * so that a file from a newer writer still loads in an older reader.
 */
import { isObject, showValue } from './json-values';
import { SpecError } from './spec-error';

export type Triple = [number, number, number];

export class FieldReader {
  /**
   * @param where the source, for messages, e.g. "onsight.spec in model.onnx"
   * @param warnings receives a note for each unknown field, when given
   */
  constructor(
    readonly where: string,
    private readonly warnings?: string[],
  ) {}

  fail(message: string): never {
    throw new SpecError(`${this.where}: ${message}`);
  }

  /** A note for the user about this source (an approximation, something ignored). */
  warn(message: string): void {
    this.warnings?.push(`${this.where}: ${message}`);
  }

  /** Notes every key of `obj` that is not in `known`. */
  warnUnknown(obj: Record<string, unknown>, known: readonly string[], prefix: string): void {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) this.warn(`unknown field ${prefix}${k} (ignored)`);
    }
  }

  object(v: unknown, field: string, expected = 'an object'): Record<string, unknown> {
    if (!isObject(v)) this.fail(`${field} must be ${expected}, got ${showValue(v)}`);
    return v;
  }

  oneOf<const T extends string>(v: unknown, field: string, options: readonly T[]): T {
    if (typeof v !== 'string' || !options.includes(v as T)) {
      this.fail(`${field} must be ${options.map((o) => `"${o}"`).join(' or ')}, got ${showValue(v)}`);
    }
    return v as T;
  }

  string(v: unknown, field: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(`${field} must be a non-empty string, got ${showValue(v)}`);
    return v;
  }

  boolean(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') this.fail(`${field} must be true or false, got ${showValue(v)}`);
    return v;
  }

  /** A finite number for which `ok` holds; `what` describes the accepted values in the message. */
  number(v: unknown, field: string, ok: (n: number) => boolean, what: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v))
      this.fail(`${field} must be ${what}, got ${showValue(v)}`);
    return v;
  }

  /** Three per-channel numbers, each checked like {@link number}; `expected` words the message for a wrong shape. */
  triple(
    v: unknown,
    field: string,
    ok: (n: number) => boolean,
    what: string,
    expected = 'an array of 3 numbers (one per channel)',
  ): Triple {
    if (!Array.isArray(v) || v.length !== 3) this.fail(`${field} must be ${expected}, got ${showValue(v)}`);
    const a: unknown[] = v;
    return [
      this.number(a[0], `${field}[0]`, ok, what),
      this.number(a[1], `${field}[1]`, ok, what),
      this.number(a[2], `${field}[2]`, ok, what),
    ];
  }
}
