// Failures that belong to the app layer rather than the engine or the database: an unknown id, a full
// queue, a call this shell cannot serve. The app's one error class narrowed to the service codes.
import { AppError } from '../common/app-error';
import type { ServiceErrorCode } from '../../preload/contract/vocabulary';

export class ServiceError extends AppError<ServiceErrorCode> {}

export const notFound = (what: string): ServiceError => new ServiceError('not-found', `${what} does not exist (it may have been deleted).`);
