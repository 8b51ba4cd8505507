// Which actions the page offers. The server decides (services/policy.py); this mirrors its
// table so that a role is never shown a button it may not use. A refused action still comes
// back as a user error next to the button.
import type { Fallout, Role, Task, User } from "../api/types";

const FINAL_TASK_STATES = new Set(["COMPLETED", "SKIPPED", "CANCELLED"]);
const OPEN_FALLOUT_STATES = new Set(["OPEN", "IN_PROGRESS"]);

function has(user: User, role: Role): boolean {
  return user.roles.includes(role);
}

export const isManager = (user: User): boolean => has(user, "ORDER_MANAGER");
export const isAgent = (user: User): boolean => has(user, "FULFILLMENT_AGENT");

export function canDecideOrder(user: User, state: string): boolean {
  return isManager(user) && state === "NEW";
}

export function canReopenOrder(user: User, state: string): boolean {
  return isManager(user) && state === "REJECTED";
}

/** An agent starts a READY task assigned to them, or an unassigned one of their groups. */
export function canStartTask(user: User, task: Task): boolean {
  if (!isAgent(user) || task.state !== "READY") return false;
  if (task.assignee) return task.assignee.id === user.id;
  return user.groups.some((group) => group.id === task.assignmentGroup?.id);
}

export function canCompleteTask(user: User, task: Task): boolean {
  return isAgent(user) && task.state === "IN_PROGRESS" && task.assignee?.id === user.id;
}

export function canReassignTask(user: User, task: Task): boolean {
  return isManager(user) && !FINAL_TASK_STATES.has(task.state);
}

/** A manager reports fallout on any unfinished task; an agent only on a task assigned to them. */
export function canCreateFallout(user: User, task: Task): boolean {
  if (FINAL_TASK_STATES.has(task.state)) return false;
  if (isManager(user)) return true;
  return isAgent(user) && task.assignee?.id === user.id;
}

export function canWorkFallout(user: User, fallout: Fallout): boolean {
  return isManager(user) && OPEN_FALLOUT_STATES.has(fallout.state);
}
