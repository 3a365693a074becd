/**
 * Bounds-checked reading and growable writing of big-endian fields. A read past the end throws the
 * WireError the caller named, so a short or lying length field becomes the NOTIFICATION its context
 * calls for, never an exception the session does not expect.
 */

/** A decoding failure: the NOTIFICATION to send (code, subcode, data), and why in words. */
export class WireError extends Error {
  constructor(
    readonly code: number,
    readonly subcode: number,
    message: string,
    readonly data: Uint8Array = new Uint8Array(0),
  ) {
    super(message);
    this.name = 'WireError';
  }
}

export class Reader {
  private at = 0;
  constructor(
    private readonly buf: Uint8Array,
    /** What a read past the end means here (the error thrown). */
    private readonly overrun: () => Error,
  ) {}

  get remaining(): number {
    return this.buf.length - this.at;
  }
  private need(n: number): number {
    if (n > this.remaining) throw this.overrun();
    const start = this.at;
    this.at += n;
    return start;
  }
  u8(): number {
    return this.buf[this.need(1)] ?? 0;
  }
  u16(): number {
    const i = this.need(2);
    return ((this.buf[i] ?? 0) << 8) | (this.buf[i + 1] ?? 0);
  }
  u32(): number {
    const i = this.need(4);
    return (
      (((this.buf[i] ?? 0) << 24) >>> 0) +
      (((this.buf[i + 1] ?? 0) << 16) | ((this.buf[i + 2] ?? 0) << 8) | (this.buf[i + 3] ?? 0))
    );
  }
  bytes(n: number): Uint8Array {
    const i = this.need(n);
    return this.buf.subarray(i, i + n);
  }
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
}

export class Writer {
  private parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.u16(v >>> 16).u16(v & 0xffff);
  }
  bytes(b: Uint8Array): this {
    for (const x of b) this.parts.push(x);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
