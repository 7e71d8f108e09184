// Free-space preflight before a job (F-03): refusing up front is kinder than failing after a long render,
// and leaves room for the database's WAL to grow.
import { statfs } from 'node:fs/promises';
import { AppError } from '../common/app-error';

/** Kept free beyond the image itself: database/WAL growth and the thumbnail. */
export const FREE_SPACE_RESERVE_BYTES = 64 * 1024 * 1024;

/** Upper bound of one saved image: an incompressible PNG is about the raw RGB size, plus metadata. */
export function estimateImageBytes(width: number, height: number): number {
  return width * height * 3 + height + 2 * 1024 * 1024;
}

export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** Throws AppError('disk-full') when `dir` has less than `bytesNeeded` plus the reserve available. */
export async function assertFreeSpace(dir: string, bytesNeeded: number): Promise<void> {
  const available = await freeBytes(dir);
  const required = bytesNeeded + FREE_SPACE_RESERVE_BYTES;
  if (available < required) {
    const mb = (n: number): string => `${Math.ceil(n / (1024 * 1024))} MiB`;
    throw new AppError('disk-full',
      `Only ${mb(available)} free where images are saved (${dir}); at least ${mb(required)} are needed. Free some space or choose another output folder.`);
  }
}
