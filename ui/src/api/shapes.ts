// The shapes the page works with, named after what they are to the page. Each is derived from
// the types GraphQL Code Generator writes for the documents (types.ts, from documents.graphql
// and the committed SDL), so none can drift from the schema.
import {
  FalloutAction,
  FalloutType,
  JeopardyLevel,
  LineItemAction,
  Priority,
  ServiceOrderState,
  type DemoUsersQuery,
  type ErrorCode,
  type FalloutChangedSubscription,
  type FalloutFieldsFragment,
  type HistoryPageFragment,
  type MeQuery,
  type OrderSummaryFragment,
  type PlanQuery,
  type ProgressFieldsFragment,
  type ServiceOrderChangedSubscription,
  type ServiceOrdersQuery,
  type SpecificationRefFragment,
  type TaskChangedSubscription,
  type TaskFieldsFragment,
  type TaskRefFragment,
  type UserErrorFieldsFragment,
  type UserRefFragment,
} from "./types";

export type {
  FalloutAction,
  FalloutState,
  FalloutType,
  JeopardyLevel,
  LineItemAction,
  Priority,
  ServiceOrderState,
  TaskState,
} from "./types";

// The values of the enums the page offers to choose from, in the schema's order.
export const SERVICE_ORDER_STATES: readonly ServiceOrderState[] = Object.values(ServiceOrderState);
export const FALLOUT_TYPES: readonly FalloutType[] = Object.values(FalloutType);
export const FALLOUT_ACTIONS: readonly FalloutAction[] = Object.values(FalloutAction);
export const PRIORITIES: readonly Priority[] = Object.values(Priority);
export const LINE_ITEM_ACTIONS: readonly LineItemAction[] = Object.values(LineItemAction);
/** Lowest first, as the schema lists them. */
export const JEOPARDY_LEVELS: readonly JeopardyLevel[] = Object.values(JeopardyLevel);

export type UserRef = UserRefFragment;
/** The signed-in user: what their roles allow decides only which lists the page loads. */
export type User = NonNullable<MeQuery["me"]>;
/** A user as the lists show them: the demo users to sign in as, the people to hand work to. */
export type ListedUser = DemoUsersQuery["demoUsers"][number];

export type Progress = ProgressFieldsFragment;
export type Specification = SpecificationRefFragment;
export type TaskRef = TaskRefFragment;
export type Task = TaskFieldsFragment;
export type Fallout = FalloutFieldsFragment;
export type ServiceOrderSummary = OrderSummaryFragment;
export type OrderPage = ServiceOrdersQuery["serviceOrders"];

export type HistoryPage = HistoryPageFragment;
export type HistoryEntry = HistoryPage["edges"][number]["node"];

/** An order as the plan query reads it: one page of its history. */
export type ServiceOrderPlan = NonNullable<PlanQuery["serviceOrder"]>;
export type LineItem = ServiceOrderPlan["lineItems"][number];
export type DomainOrder = LineItem["domainOrders"][number];

/** An order with all of its history the page has read so far. */
export interface ServiceOrder extends Omit<ServiceOrderPlan, "history"> {
  history: HistoryEntry[];
}

export type TaskEvent = TaskChangedSubscription["taskChanged"];
export type FalloutEvent = FalloutChangedSubscription["falloutChanged"];
export type ServiceOrderEvent = ServiceOrderChangedSubscription["serviceOrderChanged"];
export type LiveEvent = TaskEvent | FalloutEvent | ServiceOrderEvent;

/** What an action shows beside it: the API's user errors, or ERROR when the request failed. */
export interface ActionError extends Omit<UserErrorFieldsFragment, "code"> {
  code: ErrorCode | "ERROR";
}
