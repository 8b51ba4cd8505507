// Sign-in: paste a token, or (demo mode only) pick one of the demo users.
import { html, nothing, type TemplateResult } from "lit-html";

import type { ListedUser } from "../api/shapes";
import { signIn, signInAsDemoUser } from "../controllers/session";
import { navigate } from "../router";
import { state } from "../store";
import { humanize } from "./widgets";

async function submitToken(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const token = String(new FormData(form).get("token") ?? "");
  if (await signIn(token)) navigate({ name: "orders", state: "", customer: "", number: "" });
}

async function chooseDemoUser(user: ListedUser): Promise<void> {
  if (await signInAsDemoUser(user.username)) {
    navigate({ name: "orders", state: "", customer: "", number: "" });
  }
}

function demoUsers(users: ListedUser[] | null): TemplateResult | typeof nothing {
  if (!users?.length) return nothing;
  return html`<section class="card" aria-labelledby="demo-title" data-testid="demo-users">
    <h2 id="demo-title">Demo users</h2>
    <p class="hint">The service runs in demo mode: sign in as one of its users.</p>
    <ul class="demo-users">
      ${users.map(
        (user) => html`<li>
          <button
            type="button"
            data-testid=${`demo-user-${user.username}`}
            ?disabled=${state.signIn.busy}
            @click=${() => chooseDemoUser(user)}
          >
            <strong>${user.displayName}</strong>
            <span class="muted">${user.username} · ${user.roles.map(humanize).join(", ")}</span>
          </button>
        </li>`,
      )}
    </ul>
  </section>`;
}

export function signInView(): TemplateResult {
  return html`<div class="sign-in">
    <section class="card" aria-labelledby="token-title">
      <h2 id="token-title">Sign in</h2>
      <form @submit=${submitToken}>
        <label for="token">Access token (JWT)</label>
        <textarea
          id="token"
          name="token"
          rows="4"
          spellcheck="false"
          autocomplete="off"
          data-testid="token-input"
          placeholder="Paste the output of: python server.py token USERNAME"
        ></textarea>
        <button type="submit" data-testid="token-submit">Sign in</button>
      </form>
      <div role="alert" data-testid="sign-in-error" class="error">${state.signIn.error ?? ""}</div>
    </section>
    ${demoUsers(state.signIn.demoUsers)}
  </div>`;
}
