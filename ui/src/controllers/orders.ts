// The order list: filters from the route, forward pagination with a stack of cursors, and
// rows kept current by the serviceOrderChanged subscription.
import { ServiceOrderChangedDocument, ServiceOrdersDocument } from "../api/documents";
import { request } from "../api/graphql";
import type { LiveConnection } from "../api/live";
import type { OrderPage, ServiceOrderEvent } from "../api/shapes";
import { navigate } from "../router";
import { changed, state, type OrderFilter } from "../store";
import { debounce } from "./debounce";
import { handleApiError, liveConnection } from "./session";

export const PAGE_SIZE = 20;

let unsubscribe: (() => void) | null = null;
let generation = 0;

function filterInput(filter: OrderFilter): Record<string, string> {
  const input: Record<string, string> = {};
  if (filter.state) input.state = filter.state;
  if (filter.action) input.action = filter.action;
  if (filter.customer.trim()) input.customer = filter.customer.trim();
  if (filter.number.trim()) input.number = filter.number.trim();
  // The API sorts by lateness when asked for a jeopardy level: at least NONE is every order.
  if (filter.jeopardy) input.jeopardyAtLeast = filter.jeopardy;
  else if (filter.sort === "late") input.jeopardyAtLeast = "NONE";
  return input;
}

export function byLateness(filter: OrderFilter): boolean {
  return Boolean(filter.jeopardy) || filter.sort === "late";
}

async function readPage(filter: OrderFilter, after: string | null): Promise<OrderPage> {
  const { serviceOrders } = await request(ServiceOrdersDocument, {
    filter: filterInput(filter),
    first: PAGE_SIZE,
    after,
  });
  return serviceOrders;
}

export async function loadOrders(): Promise<void> {
  const mine = ++generation;
  const list = state.list;
  list.loading = true;
  changed();
  try {
    const page = await readPage(list.filter, list.cursors[list.cursors.length - 1] ?? null);
    if (mine !== generation) return;
    list.page = page;
    list.error = null;
  } catch (error) {
    if (mine !== generation) return;
    list.error = handleApiError(error);
  } finally {
    if (mine === generation) {
      list.loading = false;
      changed();
    }
  }
}

const reloadSoon = debounce(() => void loadOrders(), 200);

/** Show the list for the route's filters, from the first page. */
export function openOrders(filter: OrderFilter): void {
  const same = JSON.stringify(filter) === JSON.stringify(state.list.filter) && state.list.page;
  state.list.filter = filter;
  if (!same) state.list.cursors = [null];
  void loadOrders();
  watchOrders(liveConnection());
}

export function applyFilter(filter: OrderFilter): void {
  navigate({ name: "orders", ...filter });
}

export function nextPage(): void {
  const cursor = state.list.page?.pageInfo.endCursor;
  if (!cursor) return;
  state.list.cursors.push(cursor);
  void loadOrders();
}

export function previousPage(): void {
  if (state.list.cursors.length <= 1) return;
  state.list.cursors.pop();
  void loadOrders();
}

function applyEvent(event: ServiceOrderEvent): void {
  const edge = state.list.page?.edges.find((e) => e.node.id === event.serviceOrder.id);
  if (!edge) {
    reloadSoon();
    return;
  }
  edge.node = { ...edge.node, ...event.serviceOrder };
  changed();
  // Most late first: a change of lateness may move the order in the list.
  if (byLateness(state.list.filter)) reloadSoon();
}

/** (Re)subscribe to every order's changes while the list is shown. */
export function watchOrders(connection: LiveConnection | null): void {
  stopWatchingOrders();
  if (!connection || state.route.name !== "orders") return;
  unsubscribe = connection.subscribe(
    ServiceOrderChangedDocument,
    "serviceOrderChanged",
    { serviceOrderId: null },
    null,
    applyEvent,
    (message) => {
      state.list.error = `Live updates stopped: ${message}`;
      changed();
    },
  );
}

export function stopWatchingOrders(): void {
  unsubscribe?.();
  unsubscribe = null;
}
