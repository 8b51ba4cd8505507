// Running one mutation for a button: busy while it runs, its user errors kept under the
// action's key so that the view shows them next to that action.
import { ASSIGNABLE_USERS, DEMO_USERS } from "../api/documents";
import { request } from "../api/graphql";
import type { ListedUser, UserError, UserRef } from "../api/types";
import { changed, state } from "../store";
import { loadPlan } from "./plan";
import { handleApiError } from "./session";

type Payload = { userErrors: UserError[] } & Record<string, unknown>;

export async function runAction(
  key: string,
  document: string,
  field: string,
  input: Record<string, unknown>,
): Promise<boolean> {
  state.actions.set(key, { busy: true, errors: [] });
  changed();
  let errors: UserError[] = [];
  try {
    const data = await request<Record<string, Payload>>(document, { input });
    errors = data[field]?.userErrors ?? [];
  } catch (error) {
    errors = [{ code: "ERROR", message: handleApiError(error), field: null }];
  }
  state.actions.set(key, { busy: false, errors });
  changed();
  if (errors.length === 0) await loadPlan();
  return errors.length === 0;
}

/** Forget what an action said last time (a new selection, a new attempt). */
export function clearAction(key: string): void {
  if (state.actions.delete(key)) changed();
}

/**
 * The people work can be handed to (as the API says: `can.beAssignedTasks`), loaded once.
 * `users` is used where the API offers it, else (demo mode) the demo users.
 */
export async function loadAssignableUsers(): Promise<void> {
  if (state.assignableUsers !== null) return;
  state.assignableUsers = [];
  const assignable = (users: ListedUser[]): UserRef[] =>
    users.filter((u) => u.can.beAssignedTasks);
  try {
    state.assignableUsers = assignable(
      (await request<{ users: ListedUser[] }>(ASSIGNABLE_USERS)).users,
    );
  } catch {
    try {
      state.assignableUsers = assignable(
        (await request<{ demoUsers: ListedUser[] }>(DEMO_USERS)).demoUsers,
      );
    } catch {
      state.assignableUsers = [];
    }
  }
  changed();
}
