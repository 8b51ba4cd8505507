// The plan page: load one order's plan, keep it current from the three subscriptions, and
// remember what is expanded and selected across every reload.
//
// An event is applied to the page at once (the task or fallout as it is after the change),
// then the plan is read again shortly after, because one change also moves the state and
// progress of every level above it.
import {
  FalloutChangedDocument,
  HistoryDocument,
  PlanDocument,
  ServiceOrderChangedDocument,
  TaskChangedDocument,
} from "../api/documents";
import { request } from "../api/graphql";
import type { LiveConnection } from "../api/live";
import type {
  FalloutEvent,
  HistoryEntry,
  HistoryPage,
  LiveEvent,
  ServiceOrder,
  ServiceOrderEvent,
  TaskEvent,
} from "../api/shapes";
import { ancestorKeys, buildPlan, expandableKeys, nodeKey } from "../plan/model";
import { changed, state } from "../store";
import { debounce } from "./debounce";
import { handleApiError, liveConnection } from "./session";

const RELOAD_AFTER_EVENT_MS = 150;

let generation = 0;
let subscriptions: (() => void)[] = [];
/** Every node the page has shown with children: new ones (a fresh decomposition) open expanded. */
let seen = new Set<string>();

function setOrder(order: ServiceOrder): void {
  const plan = buildPlan(order);
  for (const key of expandableKeys(plan)) {
    if (seen.has(key)) continue;
    seen.add(key);
    state.plan.expanded.add(key);
  }
  state.plan.plan = plan;
  if (!state.plan.selected || !plan.byKey.has(state.plan.selected)) {
    state.plan.selected = plan.root.key;
  }
}

/** The history read so far, and the cursor to read on from: it never changes, only grows. */
let history: { orderId: string | null; entries: HistoryEntry[]; after: string | null } = {
  orderId: null,
  entries: [],
  after: null,
};

function takeHistory(orderId: string, page: HistoryPage): boolean {
  if (history.orderId !== orderId) history = { orderId, entries: [], after: null };
  history.entries.push(...page.edges.map((edge) => edge.node));
  history.after = page.pageInfo.endCursor ?? history.after;
  return page.pageInfo.hasNextPage;
}

export async function loadPlan(): Promise<ServiceOrder | null> {
  const orderId = state.plan.orderId;
  if (!orderId) return null;
  const mine = ++generation;
  try {
    const historyAfter = history.orderId === orderId ? history.after : null;
    const { serviceOrder } = await request(PlanDocument, {
      id: orderId,
      historyAfter,
    });
    if (mine !== generation) return null;
    if (!serviceOrder) {
      state.plan.error = "There is no such order, or you may not read it.";
      state.plan.plan = null;
      return null;
    }
    let more = takeHistory(orderId, serviceOrder.history);
    while (more) {
      const page = await request(HistoryDocument, { id: orderId, after: history.after });
      if (mine !== generation) return null;
      if (!page.serviceOrder) break;
      more = takeHistory(orderId, page.serviceOrder.history);
    }
    const order: ServiceOrder = { ...serviceOrder, history: [...history.entries] };
    setOrder(order);
    state.plan.error = null;
    return order;
  } catch (error) {
    if (mine === generation) state.plan.error = handleApiError(error);
    return null;
  } finally {
    if (mine === generation) {
      state.plan.loading = false;
      changed();
    }
  }
}

const reloadSoon = debounce(() => void loadPlan(), RELOAD_AFTER_EVENT_MS);

export async function openPlan(orderId: string): Promise<void> {
  if (state.plan.orderId !== orderId) {
    stopWatchingPlan();
    state.plan = {
      orderId,
      plan: null,
      loading: true,
      error: null,
      expanded: new Set(),
      selected: nodeKey("order", orderId),
      liveError: null,
    };
    seen = new Set();
    history = { orderId, entries: [], after: null };
    changed();
  }
  const order = await loadPlan();
  if (order && state.plan.orderId === orderId && subscriptions.length === 0) {
    watchPlan(liveConnection(), order.history.at(-1)?.cursor ?? null);
  }
}

/** Patch the loaded order with an event's entity, so that the page moves before the reload. */
function applyTask({ task }: TaskEvent): void {
  const order = state.plan.plan?.order;
  if (!order) return;
  for (const item of order.lineItems) {
    for (const domainOrder of item.domainOrders) {
      const index = domainOrder.tasks.findIndex((t) => t.id === task.id);
      if (index >= 0) domainOrder.tasks[index] = { ...domainOrder.tasks[index], ...task };
    }
  }
  setOrder(order);
}

function applyFallout({ fallout }: FalloutEvent): void {
  const order = state.plan.plan?.order;
  if (!order) return;
  const index = order.fallouts.findIndex((f) => f.id === fallout.id);
  if (index >= 0) order.fallouts[index] = fallout;
  else order.fallouts.push(fallout);
  for (const item of order.lineItems) {
    for (const domainOrder of item.domainOrders) {
      for (const task of domainOrder.tasks) {
        if (task.id !== fallout.task.id) continue;
        const ref = { id: fallout.id, number: fallout.number, state: fallout.state, type: fallout.type };
        const known = task.fallouts.findIndex((f) => f.id === fallout.id);
        if (known >= 0) task.fallouts[known] = ref;
        else task.fallouts.push(ref);
      }
    }
  }
  setOrder(order);
}

function applyOrder({ serviceOrder }: ServiceOrderEvent): void {
  const order = state.plan.plan?.order;
  if (!order) return;
  setOrder({ ...order, ...serviceOrder });
}

function handled<E extends LiveEvent>(apply: (event: E) => void): (event: E) => void {
  return (event) => {
    apply(event);
    state.plan.liveError = null;
    changed();
    reloadSoon();
  };
}

/** Subscribe to the open order's changes, resuming after `after` (its last history cursor). */
export function watchPlan(connection: LiveConnection | null, after: string | null): void {
  stopWatchingPlan();
  const orderId = state.plan.orderId;
  if (!connection || !orderId || state.route.name !== "plan") return;
  const failed = (message: string): void => {
    state.plan.liveError = `Live updates stopped: ${message}`;
    changed();
  };
  subscriptions = [
    connection.subscribe(
      ServiceOrderChangedDocument,
      "serviceOrderChanged",
      { serviceOrderId: orderId },
      after,
      handled(applyOrder),
      failed,
    ),
    connection.subscribe(
      TaskChangedDocument,
      "taskChanged",
      { filter: { serviceOrderId: orderId } },
      after,
      handled(applyTask),
      failed,
    ),
    connection.subscribe(
      FalloutChangedDocument,
      "falloutChanged",
      { filter: { serviceOrderId: orderId } },
      after,
      handled(applyFallout),
      failed,
    ),
  ];
}

export function stopWatchingPlan(): void {
  for (const unsubscribe of subscriptions) unsubscribe();
  subscriptions = [];
}

/** A new connection (signed in again) picks up from the order's latest history. */
export function rewatchPlan(connection: LiveConnection | null): void {
  const order = state.plan.plan?.order;
  if (state.route.name === "plan" && order) {
    watchPlan(connection, order.history.at(-1)?.cursor ?? null);
  }
  else stopWatchingPlan();
}

export function toggle(key: string, open?: boolean): void {
  const expanded = state.plan.expanded;
  const next = open ?? !expanded.has(key);
  if (next) expanded.add(key);
  else expanded.delete(key);
  changed();
}

export function select(key: string): void {
  const plan = state.plan.plan;
  if (!plan?.byKey.has(key)) return;
  for (const ancestor of ancestorKeys(plan, key)) state.plan.expanded.add(ancestor);
  state.plan.selected = key;
  changed();
}

export function expandAll(): void {
  const plan = state.plan.plan;
  if (plan) state.plan.expanded = new Set(expandableKeys(plan));
  changed();
}

export function collapseAll(): void {
  const plan = state.plan.plan;
  state.plan.expanded = new Set(plan ? [plan.root.key] : []);
  changed();
}
