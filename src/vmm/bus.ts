// A typed message bus, Seoul style: senders do not know who listens.
// 'all'   delivers to every listener; send() says whether any listener returned true.
// 'first' stops at the first listener that returns true (a query or a claim: INTA, PIT OUT).

export type Delivery = 'all' | 'first';

/** A listener returns true when it handled (or answered) the message. */
export type Listener<M> = (msg: M) => boolean | void;

export class Bus<M> {
  private listeners: Listener<M>[] = [];

  constructor(
    readonly name: string,
    readonly delivery: Delivery = 'all',
  ) {}

  /** Adds a listener; returns a function that removes it again. */
  listen(fn: Listener<M>): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  /** Delivers msg; true when a listener returned true. No allocation per send. */
  send(msg: M): boolean {
    const ls = this.listeners;
    let handled = false;
    for (let i = 0; i < ls.length; i++) {
      if (ls[i](msg) === true) {
        handled = true;
        if (this.delivery === 'first') return true;
      }
    }
    return handled;
  }
}
