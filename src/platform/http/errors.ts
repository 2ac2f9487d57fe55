/** An error with an HTTP status and a message key, rendered by the one error handler. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly messageKey: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(messageKey)
  }
}

export const notFound = () => new HttpError(404, 'error.notFound')
export const forbidden = () => new HttpError(403, 'error.forbidden')
export const unauthorised = () => new HttpError(401, 'error.unauthorised')

/** Field errors for the API: 400 with a body naming each wrong field. */
export class ValidationError extends HttpError {
  constructor(readonly fields: Record<string, string>) {
    super(400, 'error.validation')
  }
}
