// Failures that belong to the app layer rather than the engine or the database: an unknown id, a full
// queue, a call this shell cannot serve. Same shape as EngineError / DatabaseError (code, user message).
import type { ApiErrorCode } from '../../preload/contract';

export type ServiceErrorCode = Extract<ApiErrorCode, 'invalid-request' | 'forbidden' | 'not-found' | 'queue-full' | 'unavailable'>;

export class ServiceError extends Error {
  constructor(readonly code: ServiceErrorCode, message: string) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string): ServiceError => new ServiceError('not-found', `${what} does not exist (it may have been deleted).`);
