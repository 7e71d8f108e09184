// Crash-safe file creation (F-01): a reader sees either no file or the complete file under its final name.
// Write a unique temp file in the destination directory → fsync it → rename → fsync the directory
// (rename is atomic but not durable until the directory entry is flushed).
// Ref: npm write-file-atomic (temp + rename, unlink temp on error); notes/reliability-and-security.md F-01.
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { open, rename, rm, access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError, toAppError } from './app-error';

/** Temp files are hidden and recognisable, so startup reconciliation can delete strays safely. */
export const TEMP_FILE_PATTERN = /^\.dato-tmp-[0-9a-f]{16}\.part$/;

export function uniqueTempPath(dir: string): string {
  return join(dir, `.dato-tmp-${randomBytes(8).toString('hex')}.part`);
}

/** Flush a directory entry (creation / rename) to disk. Windows cannot open directories; NTFS journals them. */
export async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export interface AtomicWriteOptions {
  /**
   * Allow replacing an existing file (the CLI's --out). The library never does: its final names are never
   * reused, because on Windows a rename onto a file another program holds open fails.
   */
  replace?: boolean;
}

/**
 * Write `data` to `finalPath` (which must not exist unless `replace`). On any failure the temp file is
 * removed and the error is an AppError (ENOSPC / EDQUOT → 'disk-full').
 */
export async function writeFileAtomic(finalPath: string, data: Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(finalPath);
  if (!options.replace && (await exists(finalPath))) {
    throw new AppError('internal', `Internal error: refusing to overwrite ${basename(finalPath)}.`, finalPath);
  }
  const tempPath = uniqueTempPath(dir);
  try {
    const handle = await open(tempPath, 'wx', 0o644);
    try {
      let offset = 0;
      while (offset < data.byteLength) {
        const { bytesWritten } = await handle.write(data, offset, data.byteLength - offset);
        offset += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, finalPath);
  } catch (err) {
    await rm(tempPath, { force: true });
    throw toAppError(err);
  }
  await fsyncDirectory(dir).catch((err: unknown) => {
    throw toAppError(err);
  });
}
