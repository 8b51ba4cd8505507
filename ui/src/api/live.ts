// Live updates: graphql-transport-ws through the maintained graphql-ws client.
//
// Resuming without loss: each subscription keeps its `after` variable pointing at the last
// cursor it received, in the very payload object graphql-ws re-sends when it reconnects, so
// the server replays whatever happened while the socket was down.
//
// graphql-ws gives up on close codes it deems fatal (1011 from a crashing server, for one).
// A wall display must not: then the client is replaced, and every subscription is sent again
// with its latest cursor. Only a refused token (4401/4403) ends the connection for good.
import { createClient, type Client } from "graphql-ws";

import type { TypedDocumentString } from "./documents";

export type ConnectionState = "connecting" | "live" | "disconnected";

export interface LiveOptions {
  token: string;
  onState: (state: ConnectionState, detail?: string) => void;
  onRefused: (detail: string) => void;
}

interface Subscription {
  payload: { query: string; variables: Record<string, unknown> };
  next: (data: Record<string, unknown>) => void;
  onError: (message: string) => void;
  stop: () => void;
}

const MAX_RETRY_WAIT_MS = 4000;
const RESTART_AFTER_MS = 1000;
const REFUSED_CODES = new Set([4401, 4403]);

function websocketUrl(): string {
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

function closeCode(error: unknown): number | null {
  return error && typeof error === "object" && "code" in error && "reason" in error
    ? Number((error as { code: number }).code)
    : null;
}

export class LiveConnection {
  private client: Client;
  private disposed = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly options: LiveOptions) {
    this.client = this.connect();
  }

  private report(state: ConnectionState, detail?: string): void {
    // A disposed client still reports its socket closing: nobody is listening any more.
    if (!this.disposed) this.options.onState(state, detail);
  }

  private connect(): Client {
    this.report("connecting");
    const client = createClient({
      url: websocketUrl(),
      connectionParams: { authorization: `Bearer ${this.options.token}` },
      // Keep the socket open while signed in, so the indicator means something on every page.
      lazy: false,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        const wait = Math.min(MAX_RETRY_WAIT_MS, 250 * 2 ** retries) + Math.random() * 250;
        await new Promise((resolve) => setTimeout(resolve, wait));
      },
      onNonLazyError: (error) => this.gaveUp(error),
      on: {
        connecting: () => this.report("connecting"),
        connected: () => this.report("live"),
        closed: (event) => this.report("disconnected", describe(event)),
      },
    });
    for (const subscription of this.subscriptions) this.send(client, subscription);
    return client;
  }

  private gaveUp(error: unknown): void {
    if (this.disposed) return;
    const detail = describe(error);
    this.report("disconnected", detail);
    if (REFUSED_CODES.has(closeCode(error) ?? 0)) {
      this.options.onRefused(detail);
      return;
    }
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.disposed) return;
      void this.client.dispose();
      this.client = this.connect();
    }, RESTART_AFTER_MS);
  }

  private send(client: Client, subscription: Subscription): void {
    subscription.stop = client.subscribe<Record<string, unknown>>(subscription.payload, {
      next: (result) => {
        if (result.errors?.length) subscription.onError(result.errors.map((e) => e.message).join("; "));
        else if (result.data) subscription.next(result.data);
      },
      // A closed socket is the connection's business (retry or restart), not the page's.
      error: (error) => {
        if (closeCode(error) === null) subscription.onError(describe(error));
      },
      complete: () => undefined,
    });
  }

  /**
   * Subscribe to one root field of a subscription document; `onEvent` gets each event.
   * Returns the unsubscribe function. `after` is the cursor to resume from (null: only what
   * happens from now on).
   */
  subscribe<
    F extends string,
    R extends Record<F, { cursor: string }>,
    V extends { after?: string | null },
  >(
    document: TypedDocumentString<R, V>,
    field: F,
    variables: Omit<V, "after">,
    after: string | null,
    onEvent: (event: R[F]) => void,
    onError: (message: string) => void,
  ): () => void {
    const payload = {
      query: document.toString(),
      variables: { ...variables, after } as Record<string, unknown>,
    };
    const subscription: Subscription = {
      payload,
      next: (data) => {
        const event = data[field] as R[F] | undefined;
        if (!event) return;
        payload.variables.after = event.cursor;
        onEvent(event);
      },
      onError,
      stop: () => undefined,
    };
    this.subscriptions.add(subscription);
    this.send(this.client, subscription);
    return () => {
      this.subscriptions.delete(subscription);
      subscription.stop();
    };
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.subscriptions.clear();
    void this.client.dispose();
  }
}

function describe(error: unknown): string {
  const code = closeCode(error);
  if (code !== null) {
    const { reason } = error as { reason: string };
    return reason ? `${reason} (${code})` : `connection closed (${code})`;
  }
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message).join("; ");
  if (error instanceof Error) return error.message;
  return "connection lost";
}
