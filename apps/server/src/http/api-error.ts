/** An answer other than success, with its HTTP status: the error handler sends `{ statusCode, error, message }`. */
import { ServerError } from "../jobs/job-queue.js";

export class ApiError extends ServerError {
  constructor(
    readonly statusCode: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** 400 naming the request field that is wrong. */
export function badField(field: string, problem: string, options?: ErrorOptions): ApiError {
  return new ApiError(400, `${field}: ${problem}`, options);
}
