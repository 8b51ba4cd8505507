// The order's history, newest first: every change, who made it and when.
import { html, nothing, type TemplateResult } from "lit-html";

import type { HistoryEntry } from "../api/shapes";
import { changed } from "../store";
import { humanize, person, when } from "./widgets";

const FIRST = 25;
let showAll = false;

/** The reason or note a person gave for the change (reject, hold, resume, cancel, revise…). */
function why(e: HistoryEntry): string | null {
  const payload = e.payload && typeof e.payload === "object" ? (e.payload as Record<string, unknown>) : {};
  const said = payload.reason ?? payload.note;
  return typeof said === "string" && said ? said : null;
}

function entry(e: HistoryEntry): TemplateResult {
  const said = why(e);
  return html`<li data-testid="history-entry" data-kind=${e.kind}>
    ${when(e.occurredAt)} <strong>${humanize(e.kind.replace(".", " "))}</strong>
    ${e.previousState || e.newState
      ? html`<span class="transition">${e.previousState ? humanize(e.previousState) : "—"} → ${e.newState ? humanize(e.newState) : "—"}</span>`
      : nothing}
    <span class="muted">by ${person(e.actor, "the system")}</span>
    ${said ? html`<q class="history-why" data-testid="history-why">${said}</q>` : nothing}
  </li>`;
}

export function historyPanel(history: HistoryEntry[]): TemplateResult {
  const newest = [...history].reverse();
  const shown = showAll ? newest : newest.slice(0, FIRST);
  return html`<section class="card history" aria-labelledby="history-title" data-testid="history"
    data-count=${history.length}>
    <h3 id="history-title">History <span class="count">${history.length} changes</span></h3>
    <ol class="history-list">${shown.map(entry)}</ol>
    ${newest.length > FIRST
      ? html`<button type="button" class="quiet" @click=${() => { showAll = !showAll; changed(); }}>
          ${showAll ? "Show the latest only" : `Show all ${newest.length}`}
        </button>`
      : nothing}
  </section>`;
}
