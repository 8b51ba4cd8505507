// The plan of one order: its header (state, progress, counts, decision), the tree beside the
// selected node's details, the fallout panel and the history.
import { html, nothing, type TemplateResult } from "lit-html";

import { collapseAll, expandAll } from "../controllers/plan";
import type { Plan } from "../plan/model";
import { hrefOf } from "../router";
import { state } from "../store";
import { orderActions } from "./actionForms";
import { detailsPanel } from "./details";
import { falloutPanel } from "./falloutPanel";
import { historyPanel } from "./history";
import { lifecycleActions } from "./lifecycleActions";
import { lifecycleHeader } from "./lifecycleMarks";
import { timelinePanel } from "./timeline";
import { planTree } from "./tree";
import { humanize, progressBar, stateBadge } from "./widgets";

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

function counts(plan: Plan): TemplateResult {
  const c = plan.counts;
  return html`<ul class="counts" data-testid="plan-counts" aria-label="Counts">
    <li data-testid="count-line-items" data-count=${c.lineItems}><strong>${c.lineItems}</strong> ${plural(c.lineItems, "line item", "line items")}</li>
    <li data-testid="count-domain-orders" data-count=${c.domainOrders}><strong>${c.domainOrders}</strong> ${plural(c.domainOrders, "domain order", "domain orders")}</li>
    <li data-testid="count-tasks" data-count=${c.tasks}><strong>${c.tasks}</strong> ${plural(c.tasks, "task", "tasks")}</li>
    <li data-testid="count-open-fallouts" data-count=${c.openFallouts}><strong>${c.openFallouts}</strong> open ${plural(c.openFallouts, "fallout", "fallouts")}</li>
  </ul>`;
}

function header(plan: Plan): TemplateResult {
  const o = plan.order;
  return html`<section class="card plan-header" aria-labelledby="plan-title">
    <h2 id="plan-title">Service order <span data-testid="order-number">${o.number}</span></h2>
    <p class="muted">${o.customer}${o.externalId ? ` · ${o.externalId}` : ""} · ${humanize(o.priority)} priority</p>
    <div class="plan-status">
      ${stateBadge(o.state, "order-state")}
      <div class="order-progress" data-testid="order-progress">${progressBar(o.progress, `order ${o.number}`)}</div>
      ${lifecycleHeader(o)}
    </div>
    ${counts(plan)} ${orderActions(o)} ${lifecycleActions(o)}
  </section>`;
}

function body(plan: Plan): TemplateResult {
  return html`${header(plan)}
    ${state.plan.liveError ? html`<p class="error" role="alert" data-testid="live-error">${state.plan.liveError}</p>` : nothing}
    <div class="plan-grid">
      <section class="card tree-card" aria-labelledby="tree-title">
        <div class="tree-toolbar">
          <h3 id="tree-title">Plan</h3>
          <button type="button" class="quiet" data-testid="expand-all" @click=${expandAll}>Expand all</button>
          <button type="button" class="quiet" data-testid="collapse-all" @click=${collapseAll}>Collapse all</button>
        </div>
        <p class="hint">Arrow keys move through the plan; Right and Left open and close a level.</p>
        ${planTree(plan)}
      </section>
      ${detailsPanel(plan, state.plan.selected)} ${timelinePanel(plan)}
    </div>
    <div class="plan-lower">${falloutPanel(plan.order.fallouts)} ${historyPanel(plan.order.history)}</div>`;
}

export function planPageView(): TemplateResult {
  const { plan, error, loading } = state.plan;
  return html`<div class="plan-page" data-testid="plan" data-order-id=${state.plan.orderId ?? ""}
    aria-busy=${loading ? "true" : "false"}>
    <p><a href=${hrefOf({ name: "orders", ...state.list.filter })} data-testid="back-to-orders">← All orders</a></p>
    ${error ? html`<p class="error" role="alert" data-testid="plan-error">${error}</p>` : nothing}
    ${plan ? body(plan) : loading ? html`<p>Loading the plan…</p>` : nothing}
  </div>`;
}
