// Boot: restore the session, follow the hash route, render the state into #app.
import { render } from "lit-html";

import { handsOutWork } from "./auth/permissions";
import { loadAssignableUsers } from "./controllers/actions";
import { openOrders, stopWatchingOrders, watchOrders } from "./controllers/orders";
import { openPlan, rewatchPlan, stopWatchingPlan } from "./controllers/plan";
import { loadDemoUsers, onLiveConnection, restoreSession } from "./controllers/session";
import { navigate, parseRoute } from "./router";
import { setRenderer, state, type OrderFilter } from "./store";
import "./styles.css";
import { layout } from "./views/layout";
import { orderListView } from "./views/orderList";
import { planPageView } from "./views/planPage";
import { signInView } from "./views/signIn";

const root = document.getElementById("app") as HTMLElement;
// lit-html renders beside what is already there: drop the static "Loading…" first.
root.replaceChildren();

function view() {
  if (!state.me || state.route.name === "sign-in") return signInView();
  if (state.route.name === "plan") return planPageView();
  return orderListView();
}

function renderApp(): void {
  document.documentElement.classList.toggle("large-type", state.largeType);
  render(layout(view()), root);
}

function followRoute(): void {
  const route = parseRoute(window.location.hash);
  if (!state.me && route.name !== "sign-in") {
    navigate({ name: "sign-in" });
    return;
  }
  state.route = route;
  if (route.name !== "plan") stopWatchingPlan();
  if (route.name !== "orders") stopWatchingOrders();
  if (route.name === "sign-in") void loadDemoUsers();
  if (route.name === "orders") {
    const { state: orderState, customer, number, jeopardy, sort, action } = route;
    openOrders({
      state: orderState as OrderFilter["state"],
      customer,
      number,
      jeopardy: (jeopardy ?? "") as NonNullable<OrderFilter["jeopardy"]>,
      sort: sort === "late" ? "late" : "",
      action: (action ?? "") as NonNullable<OrderFilter["action"]>,
    });
  }
  if (route.name === "plan") {
    void openPlan(route.orderId);
    if (state.me && handsOutWork(state.me)) void loadAssignableUsers();
  }
  document.title = route.name === "plan" ? "Plan · Orchestration Plan" : "Orchestration Plan";
  renderApp();
}

async function boot(): Promise<void> {
  setRenderer(renderApp);
  onLiveConnection((connection) => {
    watchOrders(connection);
    rewatchPlan(connection);
  });
  window.addEventListener("hashchange", followRoute);
  await restoreSession();
  followRoute();
}

void boot();
