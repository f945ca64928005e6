/** The part of tar-stream 2.x (a dependency of dockerode's tar-fs) that src/backup uses; it ships no types. */
declare module 'tar-stream' {
  import type { Readable, Writable } from 'node:stream';

  export interface Headers {
    name: string;
    size?: number;
    mode?: number;
    mtime?: Date;
    type?: 'file' | 'link' | 'symlink' | 'directory' | 'block-device' | 'character-device' | 'fifo' | 'contiguous-file' | 'pax-header' | 'pax-global-header' | 'gnu-long-link-path' | 'gnu-long-path' | null;
    linkname?: string | null;
    uid?: number;
    gid?: number;
    uname?: string;
    gname?: string;
    devmajor?: number;
    devminor?: number;
    pax?: Record<string, string> | null;
  }

  export interface Extract extends Writable {
    on(event: 'entry', listener: (headers: Headers, stream: Readable, next: (err?: Error) => void) => void): this;
    on(event: 'finish' | 'close', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
  }

  export interface Pack extends Readable {
    entry(headers: Headers, buffer?: string | Buffer, callback?: (err?: Error | null) => void): Writable;
    finalize(): void;
  }

  export function extract(opts?: { allowUnknownFormat?: boolean; filenameEncoding?: string }): Extract;
  export function pack(opts?: Record<string, unknown>): Pack;
}
