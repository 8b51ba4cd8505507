// Hash routes, so that /ui serves one index.html for every page:
//   #/sign-in   #/orders?state=&customer=&number=&jeopardy=&sort=&action=   #/orders/<global id>
export type Route =
  | { name: "sign-in" }
  | { name: "orders"; state: string; customer: string; number: string; jeopardy?: string; sort?: string; action?: string }
  | { name: "plan"; orderId: string };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "sign-in") return { name: "sign-in" };
  if (parts[0] === "orders" && parts[1]) {
    return { name: "plan", orderId: decodeURIComponent(parts[1]) };
  }
  const params = new URLSearchParams(query);
  return {
    name: "orders",
    state: params.get("state") ?? "",
    customer: params.get("customer") ?? "",
    number: params.get("number") ?? "",
    jeopardy: params.get("jeopardy") ?? "",
    sort: params.get("sort") ?? "",
    action: params.get("action") ?? "",
  };
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case "sign-in":
      return "#/sign-in";
    case "plan":
      return `#/orders/${encodeURIComponent(route.orderId)}`;
    case "orders": {
      const params = new URLSearchParams();
      for (const key of ["state", "customer", "number", "jeopardy", "sort", "action"] as const) {
        if (route[key]) params.set(key, route[key]);
      }
      const query = params.toString();
      return query ? `#/orders?${query}` : "#/orders";
    }
  }
}

export function navigate(route: Route): void {
  const href = hrefOf(route);
  if (window.location.hash === href) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else window.location.hash = href;
}
