// The order list: filter by state, customer, jeopardy and line item action, search by number, page forward and
// back; newest first, or most late first (the API's order when a jeopardy level is asked for).
import { html, nothing, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";

import {
  JEOPARDY_LEVELS,
  LINE_ITEM_ACTIONS,
  SERVICE_ORDER_STATES,
  type ServiceOrderSummary,
} from "../api/shapes";
import { applyFilter, byLateness, nextPage, PAGE_SIZE, previousPage } from "../controllers/orders";
import { hrefOf } from "../router";
import { state, type OrderFilter } from "../store";
import { jeopardyBadge, lateness } from "./jeopardy";
import { humanize, progressBar, stateBadge, when } from "./widgets";

function submitFilter(event: SubmitEvent): void {
  event.preventDefault();
  const data = new FormData(event.currentTarget as HTMLFormElement);
  applyFilter({
    state: String(data.get("state") ?? "") as OrderFilter["state"],
    customer: String(data.get("customer") ?? ""),
    number: String(data.get("number") ?? ""),
    jeopardy: String(data.get("jeopardy") ?? "") as OrderFilter["jeopardy"],
    action: String(data.get("action") ?? "") as OrderFilter["action"],
    sort: state.list.filter.sort ?? "",
  });
}

function toggleSort(): void {
  const filter = state.list.filter;
  applyFilter({ ...filter, sort: filter.sort === "late" ? "" : "late" });
}

function clearFilter(): void {
  applyFilter({ state: "", customer: "", number: "" });
}

function filterForm(filter: OrderFilter): TemplateResult {
  return html`<form class="filters" role="search" aria-label="Filter orders" @submit=${submitFilter}>
    <label>State
      <select name="state" data-testid="filter-state" .value=${filter.state}>
        <option value="">Any state</option>
        ${SERVICE_ORDER_STATES.map(
          (s) => html`<option value=${s} ?selected=${filter.state === s}>${humanize(s)}</option>`,
        )}
      </select>
    </label>
    <label>Action
      <select name="action" data-testid="filter-action" .value=${filter.action ?? ""}>
        <option value="">Any action</option>
        ${LINE_ITEM_ACTIONS.map(
          (a) => html`<option value=${a} ?selected=${filter.action === a}>${humanize(a)}</option>`,
        )}
      </select>
    </label>
    <label>Customer
      <input name="customer" type="search" data-testid="filter-customer" .value=${filter.customer} />
    </label>
    <label>Jeopardy
      <select name="jeopardy" data-testid="filter-jeopardy" .value=${filter.jeopardy ?? ""}>
        <option value="">Any</option>
        ${JEOPARDY_LEVELS.filter((level) => level !== "NONE").map(
          (level) => html`<option value=${level} ?selected=${filter.jeopardy === level}
            >${humanize(level)} or worse</option>`,
        )}
      </select>
    </label>
    <label>Order number
      <input name="number" type="search" placeholder="SO0001001" data-testid="filter-number"
        .value=${filter.number} />
    </label>
    <div class="filter-buttons">
      <button type="submit" data-testid="filter-apply">Apply</button>
      <button type="button" class="quiet" data-testid="filter-clear" @click=${clearFilter}>Clear</button>
    </div>
  </form>`;
}

function row(order: ServiceOrderSummary): TemplateResult {
  const href = hrefOf({ name: "plan", orderId: order.id });
  return html`<tr data-testid="order-row" data-id=${order.id} data-number=${order.number} data-state=${order.state}>
    <th scope="row"><a href=${href} data-testid="order-link">${order.number}</a></th>
    <td>${order.customer}</td>
    <td class="muted">${order.externalId ?? ""}</td>
    <td>${humanize(order.priority)}</td>
    <td>${stateBadge(order.state, "order-state")}</td>
    <td class="progress-cell">${progressBar(order.progress, order.number)}</td>
    <td data-testid="order-requested">${order.requestedCompletionDate ? when(order.requestedCompletionDate) : "—"}</td>
    <td data-testid="order-expected">${order.expectedCompletionAt ? when(order.expectedCompletionAt) : "—"}
      ${lateness(order.expectedCompletionAt, order.requestedCompletionDate)}</td>
    <td>${jeopardyBadge(order.jeopardy, order.jeopardyReason, "order-jeopardy", order.requestedCompletionDate)}</td>
  </tr>`;
}

export function orderListView(): TemplateResult {
  const { page, loading, error, filter, cursors } = state.list;
  const pageNumber = cursors.length;
  const first = (pageNumber - 1) * PAGE_SIZE + 1;
  const shown = page?.edges.length ?? 0;
  // Above 10,000 matches PostgreSQL answers with the planner's estimate (totalCountExact false).
  const total = page ? `${page.totalCountExact ? "" : "about "}${page.totalCount}` : "0";
  const late = byLateness(filter);
  return html`<section class="orders" aria-labelledby="orders-title" aria-busy=${loading ? "true" : "false"}>
    <h2 id="orders-title">Service orders</h2>
    ${filterForm(filter)}
    ${error ? html`<p class="error" role="alert" data-testid="orders-error">${error}</p>` : nothing}
    <p class="summary" data-testid="order-count" data-total=${page?.totalCount ?? 0}>
      ${page
        ? shown
          ? `Orders ${first}–${first + shown - 1} of ${total}`
          : "No orders match."
        : "Loading…"}
    </p>
    <div class="table-wrap">
      <table class="order-table" data-testid="order-table">
        <caption class="visually-hidden">Service orders, ${total} in all</caption>
        <thead>
          <tr>
            <th scope="col" aria-sort=${late ? "none" : "descending"}>Number</th><th scope="col">Customer</th><th scope="col">External id</th>
            <th scope="col">Priority</th><th scope="col">State</th><th scope="col">Progress</th>
            <th scope="col">Requested</th><th scope="col">Expected</th>
            <th scope="col" aria-sort=${late ? "descending" : "none"} data-testid="sort-lateness">
              <button type="button" class="sort" data-testid="sort-by-lateness" aria-pressed=${String(late)}
                ?disabled=${Boolean(filter.jeopardy)} @click=${toggleSort}
                title=${filter.jeopardy ? "With a jeopardy filter the most late come first" : ""}
                >Jeopardy ${late ? "▼ most late first" : "(sort)"}</button>
            </th>
          </tr>
        </thead>
        <tbody>${repeat(page?.edges ?? [], (e) => e.node.id, (e) => row(e.node))}</tbody>
      </table>
    </div>
    <nav class="pager" aria-label="Pages">
      <button type="button" data-testid="page-previous" ?disabled=${pageNumber <= 1 || loading}
        @click=${previousPage}>Previous</button>
      <span data-testid="page-number">Page ${pageNumber}</span>
      <button type="button" data-testid="page-next" ?disabled=${!page?.pageInfo.hasNextPage || loading}
        @click=${nextPage}>Next</button>
    </nav>
  </section>`;
}
