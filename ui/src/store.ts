// The page's whole state in one object; views read it, controllers change it and call
// `changed()`, which re-renders once per tick (lit-html patches the DOM in place).
import type { ConnectionState } from "./api/live";
import type {
  ActionError,
  JeopardyLevel,
  LineItemAction,
  ListedUser,
  OrderPage,
  ServiceOrderState,
  User,
  UserRef,
} from "./api/shapes";
import type { Plan } from "./plan/model";
import type { Route } from "./router";

export interface OrderFilter {
  state: ServiceOrderState | "";
  customer: string;
  number: string;
  /** Only orders at this level or above; the API lists them most late first. */
  jeopardy?: JeopardyLevel | "";
  /** "late": most late first (the API's order with a jeopardy filter); else newest first. */
  sort?: "late" | "";
  /** Only orders with a line item of this action. */
  action?: LineItemAction | "";
}

export interface ActionStatus {
  busy: boolean;
  errors: ActionError[];
}

export interface AppState {
  route: Route;
  me: User | null;
  connection: { state: ConnectionState; detail: string | null };
  largeType: boolean;
  banner: string | null;
  signIn: { demoUsers: ListedUser[] | null; error: string | null; busy: boolean };
  list: {
    filter: OrderFilter;
    /** The `after` cursor of every page up to the current one: "previous" pops it. */
    cursors: (string | null)[];
    page: OrderPage | null;
    loading: boolean;
    error: string | null;
  };
  plan: {
    orderId: string | null;
    plan: Plan | null;
    loading: boolean;
    error: string | null;
    expanded: Set<string>;
    selected: string | null;
    liveError: string | null;
  };
  actions: Map<string, ActionStatus>;
  assignableUsers: UserRef[] | null;
}

export const state: AppState = {
  route: { name: "sign-in" },
  me: null,
  connection: { state: "disconnected", detail: null },
  largeType: window.localStorage.getItem("orchestration-plan.large-type") === "1",
  banner: null,
  signIn: { demoUsers: null, error: null, busy: false },
  list: {
    filter: { state: "", customer: "", number: "" },
    cursors: [null],
    page: null,
    loading: false,
    error: null,
  },
  plan: {
    orderId: null,
    plan: null,
    loading: false,
    error: null,
    expanded: new Set(),
    selected: null,
    liveError: null,
  },
  actions: new Map(),
  assignableUsers: null,
};

let renderer: () => void = () => undefined;
let scheduled = false;

export function setRenderer(render: () => void): void {
  renderer = render;
}

export function changed(): void {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    renderer();
  });
}
