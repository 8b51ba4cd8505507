// Live updates: graphql-transport-ws through the maintained graphql-ws client.
//
// Resuming without loss: graphql-ws re-sends a subscription's original payload object when it
// reconnects, so each subscription keeps its `after` variable pointing at the last cursor it
// received and the server replays whatever happened while the socket was down.
import { createClient, type Client } from "graphql-ws";

import type { LiveEvent } from "./types";

export type ConnectionState = "connecting" | "live" | "disconnected";

export interface LiveOptions {
  token: string;
  onState: (state: ConnectionState, detail?: string) => void;
}

const MAX_RETRY_WAIT_MS = 4000;

function websocketUrl(): string {
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export class LiveConnection {
  private readonly client: Client;
  private disposed = false;

  constructor({ token, onState: report }: LiveOptions) {
    // A disposed client still reports its socket closing: nobody is listening any more.
    const onState = (state: ConnectionState, detail?: string): void => {
      if (!this.disposed) report(state, detail);
    };
    onState("connecting");
    this.client = createClient({
      url: websocketUrl(),
      connectionParams: { authorization: `Bearer ${token}` },
      // Keep the socket open while signed in, so the indicator means something on every page.
      lazy: false,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        const wait = Math.min(MAX_RETRY_WAIT_MS, 250 * 2 ** retries) + Math.random() * 250;
        await new Promise((resolve) => setTimeout(resolve, wait));
      },
      onNonLazyError: (error) => onState("disconnected", describe(error)),
      on: {
        connecting: () => onState("connecting"),
        connected: () => onState("live"),
        closed: (event) => onState("disconnected", describe(event)),
      },
    });
  }

  /**
   * Subscribe to one root field; `onEvent` gets each event. Returns the unsubscribe function.
   * `after` is the cursor to resume from (null: only what happens from now on).
   */
  subscribe<E extends LiveEvent>(
    query: string,
    field: string,
    variables: Record<string, unknown>,
    after: string | null,
    onEvent: (event: E) => void,
    onError: (message: string) => void,
  ): () => void {
    const payload = { query, variables: { ...variables, after } };
    return this.client.subscribe<Record<string, E>>(payload, {
      next: (result) => {
        if (result.errors?.length) {
          onError(result.errors.map((e) => e.message).join("; "));
          return;
        }
        const event = result.data?.[field];
        if (!event) return;
        payload.variables.after = event.cursor;
        onEvent(event);
      },
      error: (error) => onError(describe(error)),
      complete: () => undefined,
    });
  }

  dispose(): void {
    this.disposed = true;
    void this.client.dispose();
  }
}

function describe(error: unknown): string {
  if (error && typeof error === "object" && "code" in error && "reason" in error) {
    const { code, reason } = error as { code: number; reason: string };
    return reason ? `${reason} (${code})` : `connection closed (${code})`;
  }
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message).join("; ");
  if (error instanceof Error) return error.message;
  return "connection lost";
}
