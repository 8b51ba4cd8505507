// Signing in and out: the token, the signed-in user, and the live connection that goes with them.
import { DemoUsersDocument, MeDocument, SignInAsDemoUserDocument } from "../api/documents";
import { ApiError, request, useToken } from "../api/graphql";
import { LiveConnection } from "../api/live";
import { savedToken, saveToken } from "../auth/tokenStore";
import { navigate } from "../router";
import { changed, state } from "../store";

let live: LiveConnection | null = null;
const liveListeners = new Set<(connection: LiveConnection | null) => void>();

export function liveConnection(): LiveConnection | null {
  return live;
}

/** Called with the new connection whenever the user signs in or out. */
export function onLiveConnection(listener: (connection: LiveConnection | null) => void): void {
  liveListeners.add(listener);
}

function startLive(token: string | null): void {
  live?.dispose();
  state.connection = { state: "connecting", detail: null };
  live = token
    ? new LiveConnection({
        token,
        onState: (connection, detail) => {
          // Once the page has lost its connection it says so until it is live again,
          // through every reconnection attempt in between.
          const lost = state.connection.state === "disconnected" && connection === "connecting";
          state.connection = { state: lost ? "disconnected" : connection, detail: detail ?? null };
          changed();
        },
        onRefused: () => signOut("The live connection refused your token: sign in again."),
      })
    : null;
  if (!live) state.connection = { state: "disconnected", detail: null };
  for (const listener of liveListeners) listener(live);
}

/** Sign in with a token: it is accepted when `me` answers with a user. */
export async function signIn(token: string): Promise<boolean> {
  const trimmed = token.trim().replace(/^Bearer\s+/i, "");
  if (!trimmed) {
    state.signIn.error = "Paste a token first.";
    changed();
    return false;
  }
  useToken(trimmed);
  try {
    const { me } = await request(MeDocument);
    if (!me) throw new ApiError("The token was not accepted.", true);
    state.me = me;
    state.signIn.error = null;
    saveToken(trimmed);
    startLive(trimmed);
    changed();
    return true;
  } catch (error) {
    useToken(null);
    state.me = null;
    state.signIn.error = error instanceof Error ? error.message : String(error);
    changed();
    return false;
  }
}

export function signOut(message: string | null = null): void {
  useToken(null);
  saveToken(null);
  state.me = null;
  state.signIn.error = message;
  state.assignableUsers = null;
  startLive(null);
  navigate({ name: "sign-in" });
}

/** Restore the tab's session after a reload; false when there is none (or it expired). */
export async function restoreSession(): Promise<boolean> {
  const token = savedToken();
  if (!token) return false;
  const ok = await signIn(token);
  if (!ok) saveToken(null);
  return ok;
}

/** The demo users to choose from; the list stays hidden when the server is not in demo mode. */
export async function loadDemoUsers(): Promise<void> {
  const previous = state.me ? savedToken() : null;
  useToken(null);
  try {
    const { demoUsers } = await request(DemoUsersDocument);
    state.signIn.demoUsers = demoUsers;
  } catch {
    state.signIn.demoUsers = null;
  } finally {
    useToken(previous);
  }
  changed();
}

export async function signInAsDemoUser(username: string): Promise<boolean> {
  state.signIn.busy = true;
  changed();
  try {
    useToken(null);
    const { signInAsDemoUser: payload } = await request(SignInAsDemoUserDocument, { username });
    if (!payload.token) {
      state.signIn.error = payload.userErrors.map((e) => e.message).join(" ") || "Refused.";
      return false;
    }
    return await signIn(payload.token);
  } catch (error) {
    state.signIn.error = error instanceof Error ? error.message : String(error);
    return false;
  } finally {
    state.signIn.busy = false;
    changed();
  }
}

/** A request refused for want of authentication ends the session. */
export function handleApiError(error: unknown): string {
  if (error instanceof ApiError && error.unauthenticated) {
    signOut("Your session has ended: sign in again.");
  }
  return error instanceof Error ? error.message : String(error);
}
