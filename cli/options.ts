import { InvalidArgumentError } from 'commander';
import { isEndpointUrl } from '../deployment/settings';

/** Commander parsers that reject bad values with what was wrong and what is valid. */
export function positiveNumber(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`${name} must be a number above 0${max < Number.MAX_SAFE_INTEGER ? ` and at most ${max}` : ''}, got "${value}"`);
    return n;
  };
}

export function nonNegativeNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number of 0 or more, got "${value}"`);
    return n;
  };
}

export function wholeNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

/** Sizes like 16384, 16k, 16KiB, 1m, 1MiB. */
export function byteSize(name: string, max: number) {
  return (value: string): number => {
    const match = /^(\d+)\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(value.trim());
    const unit = (match?.[2] ?? 'b').toLowerCase();
    const n = match ? Number(match[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${name} must be a size from 1 byte to ${max} bytes, like 16384, 16k or 1MiB; got "${value}"`);
    }
    return n;
  };
}

export function endpointUrl(value: string): string {
  if (!isEndpointUrl(value)) throw new InvalidArgumentError(`--endpoint must be an http(s) URL such as http://127.0.0.1:4566, got "${value}"`);
  return value.replace(/\/$/, '');
}
