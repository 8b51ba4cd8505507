// The frame of every page: the header (where you are, who you are, whether the page is live).
import { html, nothing, type TemplateResult } from "lit-html";

import { signOut } from "../controllers/session";
import { changed, state } from "../store";
import { humanize } from "./widgets";

const CONNECTION_TEXT = {
  live: "Live",
  connecting: "Connecting…",
  disconnected: "Disconnected — reconnecting",
} as const;

function connectionIndicator(): TemplateResult | typeof nothing {
  if (!state.me) return nothing;
  const { state: connection, detail } = state.connection;
  return html`<span
    class="connection connection-${connection}"
    role="status"
    data-testid="connection-status"
    data-state=${connection}
    title=${detail ?? ""}
    ><span class="dot" aria-hidden="true"></span>${CONNECTION_TEXT[connection]}</span
  >`;
}

function toggleLargeType(): void {
  state.largeType = !state.largeType;
  window.localStorage.setItem("orchestration-plan.large-type", state.largeType ? "1" : "0");
  changed();
}

export function layout(content: TemplateResult): TemplateResult {
  const me = state.me;
  return html`<a class="skip-link" href="#main" @click=${skipToMain}>Skip to content</a>
    <header class="app-header">
      <h1 class="app-title"><a href="#/orders">Orchestration Plan</a></h1>
      <nav aria-label="Main">${me ? html`<a href="#/orders" data-testid="nav-orders">Orders</a>` : nothing}</nav>
      <div class="header-tools">
        ${connectionIndicator()}
        <button
          type="button"
          class="quiet"
          aria-pressed=${state.largeType ? "true" : "false"}
          data-testid="large-type"
          @click=${toggleLargeType}
        >
          Large type
        </button>
        ${me
          ? html`<span class="current-user" data-testid="current-user" data-username=${me.username}
                >${me.displayName} · ${me.roles.map(humanize).join(", ")}</span
              >
              <button type="button" class="quiet" data-testid="sign-out" @click=${() => signOut()}>
                Sign out
              </button>`
          : nothing}
      </div>
    </header>
    ${state.banner ? html`<p class="banner" role="alert">${state.banner}</p>` : nothing}
    <main id="main" tabindex="-1">${content}</main>`;
}

function skipToMain(event: Event): void {
  event.preventDefault();
  document.getElementById("main")?.focus();
}
