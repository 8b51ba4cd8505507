// Running one mutation for a button: busy while it runs, its user errors kept under the
// action's key so that the view shows them next to that action.
import { AssignableUsersDocument, DemoUsersDocument, type TypedDocumentString } from "../api/documents";
import { request } from "../api/graphql";
import type { ActionError, ListedUser, UserRef } from "../api/shapes";
import { changed, state } from "../store";
import { loadPlan } from "./plan";
import { handleApiError } from "./session";

/** Run the mutation `document` with `input`; its payload is the root field `field`. */
export async function runAction<
  F extends string,
  R extends Record<F, { userErrors: ActionError[] }>,
  I,
>(key: string, document: TypedDocumentString<R, { input: I }>, field: F, input: I): Promise<boolean> {
  state.actions.set(key, { busy: true, errors: [] });
  changed();
  let errors: ActionError[] = [];
  try {
    const data = await request(document, { input });
    errors = data[field].userErrors;
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
      (await request(AssignableUsersDocument)).users,
    );
  } catch {
    try {
      state.assignableUsers = assignable(
        (await request(DemoUsersDocument)).demoUsers,
      );
    } catch {
      state.assignableUsers = [];
    }
  }
  changed();
}
