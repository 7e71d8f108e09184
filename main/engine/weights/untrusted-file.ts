// Opening files a user's model folder holds, where any name may be a FIFO (open() blocks forever), a device
// (/dev/zero never ends), a symlink to somewhere else on the machine, or simply huge. Files are opened
// non-blocking (a FIFO opens at once instead of waiting for a writer), their type and size are checked on
// the open descriptor (no swap between check and use), and small files are read only up to a cap.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

/** O_NONBLOCK where the platform has it (POSIX); it changes nothing for regular files. */
export const OPEN_READ_NONBLOCKING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Why a small file could not be used, in words that finish "… because it …". */
export class UntrustedFileError extends Error {}

export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** `text` for a one-line message: long names are cut (a tensor name can be megabytes long). */
export function shortened(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * The bytes of `path`, which must resolve (symlinks followed) inside one of `roots`, be a regular file and
 * hold at most `maxBytes`. Throws UntrustedFileError otherwise; errors from the file system pass through.
 */
export function readContainedSmallFile(path: string, roots: readonly string[], maxBytes: number): Buffer {
  const real = realpathSync(path);
  if (!roots.some((root) => isInside(real, root))) throw new UntrustedFileError(`points outside the model folder (to "${real}")`);
  const fd = openSync(real, OPEN_READ_NONBLOCKING);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new UntrustedFileError('is not a regular file');
    if (stats.size > maxBytes) throw new UntrustedFileError(`is ${stats.size} bytes (at most ${maxBytes} are read)`);
    const bytes = Buffer.alloc(stats.size);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, done);
      if (n === 0) break;
      done += n;
    }
    return bytes.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}
