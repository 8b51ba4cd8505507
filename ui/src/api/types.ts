// The shapes the page reads from the public GraphQL API (DESIGN.md, "GraphQL contract").
// Only the fields the documents in documents.ts select are declared.

export type Role = "ORDER_MANAGER" | "FULFILLMENT_AGENT" | "VIEWER" | "INTEGRATOR" | "ADMIN";

export type ServiceOrderState =
  | "NEW"
  | "ACKNOWLEDGED"
  | "REJECTED"
  | "IN_PROGRESS"
  | "COMPLETED"
  | "PARTIAL"
  | "FAILED";
export type FulfillmentState = "PENDING" | "IN_PROGRESS" | "COMPLETED" | "FAILED" | "CANCELLED";
export type TaskState =
  | "PENDING"
  | "READY"
  | "IN_PROGRESS"
  | "ON_HOLD"
  | "COMPLETED"
  | "SKIPPED"
  | "CANCELLED";
export type FalloutState = "OPEN" | "IN_PROGRESS" | "RESOLVED" | "CANCELLED";
export type FalloutType =
  | "PROVISIONING_FAILURE"
  | "INVENTORY_ALLOCATION_FAILURE"
  | "BILLING_ISSUE"
  | "CUSTOMER_INFORMATION"
  | "OTHER";
export type FalloutAction = "RETRY_TASK" | "COMPLETE_TASK" | "SKIP_TASK";
export type Priority = "LOW" | "NORMAL" | "HIGH" | "URGENT";

export const SERVICE_ORDER_STATES: readonly ServiceOrderState[] = [
  "NEW",
  "ACKNOWLEDGED",
  "REJECTED",
  "IN_PROGRESS",
  "COMPLETED",
  "PARTIAL",
  "FAILED",
];
export const FALLOUT_TYPES: readonly FalloutType[] = [
  "PROVISIONING_FAILURE",
  "INVENTORY_ALLOCATION_FAILURE",
  "BILLING_ISSUE",
  "CUSTOMER_INFORMATION",
  "OTHER",
];
export const FALLOUT_ACTIONS: readonly FalloutAction[] = ["RETRY_TASK", "COMPLETE_TASK", "SKIP_TASK"];
export const PRIORITIES: readonly Priority[] = ["LOW", "NORMAL", "HIGH", "URGENT"];

export interface UserRef {
  id: string;
  username: string;
  displayName: string;
}

/** The signed-in user: what their roles allow decides only which lists the page loads. */
export interface User extends UserRef {
  roles: Role[];
  can: { reassignTasks: boolean; reassignFallouts: boolean };
}

/** A user as the lists show them: the demo users to sign in as, the people to hand work to. */
export interface ListedUser extends UserRef {
  roles: Role[];
  can: { beAssignedTasks: boolean };
}

// What the signed-in user may do now, as the API says (each object's `viewerCan`).
export interface OrderPermissions {
  approve: boolean;
  reject: boolean;
  reopen: boolean;
}

export interface TaskPermissions {
  start: boolean;
  complete: boolean;
  reassign: boolean;
  createFallout: boolean;
}

export interface FalloutPermissions {
  reassign: boolean;
  resolve: boolean;
}

export interface GroupRef {
  id: string;
  name: string;
}

export interface Progress {
  totalTasks: number;
  completedTasks: number;
  percent: number;
}

export interface Specification {
  id: string;
  code: string;
  name: string;
  kind: string;
  domain: string | null;
}

export interface UserError {
  code: string;
  message: string;
  field: string | null;
}

export interface TaskRef {
  id: string;
  number: string;
  name: string;
  state: TaskState;
}

export interface FalloutRef {
  id: string;
  number: string;
  state: FalloutState;
  type: FalloutType;
}

export interface Task extends TaskRef {
  priority: Priority;
  assignmentGroup: GroupRef | null;
  assignee: UserRef | null;
  dueAt: string | null;
  version: number;
  dependsOn: TaskRef[];
  fallouts: FalloutRef[];
  viewerCan: TaskPermissions;
}

export interface DomainOrder {
  id: string;
  number: string;
  kind: string;
  state: FulfillmentState;
  progress: Progress;
  specification: Specification;
  parent: { id: string } | null;
  tasks: Task[];
}

export interface LineItem {
  id: string;
  action: string;
  quantity: number;
  state: FulfillmentState;
  characteristics: unknown;
  progress: Progress;
  specification: Specification;
  soldProduct: { id: string; state: string } | null;
  domainOrders: DomainOrder[];
}

export interface Fallout extends FalloutRef {
  description: string;
  priority: Priority;
  task: TaskRef;
  assignee: UserRef | null;
  createdBy: UserRef | null;
  resolution: { action: FalloutAction; note: string | null } | null;
  viewerCan: FalloutPermissions;
}

export interface HistoryEntry {
  cursor: string;
  kind: string;
  occurredAt: string;
  actor: UserRef | null;
  previousState: string | null;
  newState: string | null;
}

export interface ServiceOrderSummary {
  id: string;
  number: string;
  externalId: string | null;
  customer: string;
  priority: Priority;
  state: ServiceOrderState;
  progress: Progress;
  viewerCan: OrderPermissions;
}

export interface HistoryPage {
  pageInfo: PageInfo;
  edges: { node: HistoryEntry }[];
}

/** An order as the plan query reads it: one page of its history. */
export interface ServiceOrderPlan extends ServiceOrderSummary {
  version: number;
  lineItems: LineItem[];
  fallouts: Fallout[];
  history: HistoryPage;
}

/** An order with all of its history the page has read so far. */
export interface ServiceOrder extends Omit<ServiceOrderPlan, "history"> {
  history: HistoryEntry[];
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  totalCount: number;
  pageInfo: PageInfo;
  edges: { cursor: string; node: T }[];
}

/** What every subscription event carries, whatever its entity. */
export interface LiveEvent {
  cursor: string;
  kind: string;
  occurredAt: string;
  previousState: string | null;
}

export interface TaskEvent extends LiveEvent {
  task: Task;
}

export interface FalloutEvent extends LiveEvent {
  fallout: Fallout;
}

export interface ServiceOrderEvent extends LiveEvent {
  serviceOrder: ServiceOrderSummary;
}
