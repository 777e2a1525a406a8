/**
 * Errors of the dataset API. Each is an `ApiError` carrying the HTTP status the app's error
 * handler answers with (`{ statusCode, error, message }`): 400 for a malformed name or query,
 * 404 for a well-formed one that is not served.
 */
import { ApiError } from "../http/api-error.js";
import { ServerError } from "../jobs/job-queue.js";

/** Base of the dataset API's errors. */
export class DatasetApiError extends ApiError {}

/** A name, partition, row id or query value a client sent that can never be valid (400). */
export class DatasetRequestError extends DatasetApiError {
  constructor(field: string, value: string, why: string) {
    super(400, `${field} ${JSON.stringify(value)}: ${why}`);
  }
}

/** A well-formed dataset, partition or row id that the server does not serve (404). */
export class DatasetNotFoundError extends DatasetApiError {
  constructor(what: string) {
    super(404, what);
  }
}

/** A row's stored audio that no browser can be handed as it is and that cannot be decoded (415). */
export class RowAudioError extends DatasetApiError {
  constructor(message: string, options?: ErrorOptions) {
    super(415, message, options);
  }
}

/** `--dataset` options the server cannot start with (duplicate or malformed names). */
export class DatasetConfigError extends ServerError {}
