/** An error answered as `{ error: { status, message } }` with that HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The JSON body of an error response. */
export interface ErrorBody {
  error: { status: number; message: string };
}

export function errorBody(status: number, message: string): ErrorBody {
  return { error: { status, message } };
}
