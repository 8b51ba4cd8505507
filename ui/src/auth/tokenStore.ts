// The token lives in sessionStorage: it survives a reload of the tab (a wallboard refreshing
// itself) but not the browser session, and other tabs sign in on their own.
const KEY = "orchestration-plan.token";

export function savedToken(): string | null {
  return window.sessionStorage.getItem(KEY);
}

export function saveToken(token: string | null): void {
  if (token) window.sessionStorage.setItem(KEY, token);
  else window.sessionStorage.removeItem(KEY);
}
