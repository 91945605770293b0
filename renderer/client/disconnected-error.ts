/** A call lost because the transport went down; StudioClient turns it into a `disconnected` error. */
export class DisconnectedError extends Error {
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(message);
    this.name = 'DisconnectedError';
  }
}
