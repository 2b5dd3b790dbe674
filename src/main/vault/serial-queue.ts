/**
 * Runs async operations one at a time, in call order. The vault puts every key change (first key,
 * rotation, passphrase setup, unlock, reload) and every write that encrypts under the key through one
 * queue, so no write can use a key that a change running beside it is about to retire or replace.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(operation);
    // The next operation waits for this one to settle, whether it succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
