// The order's lifecycle actions: the revision being edited (one order at a time), the products
// a new line can be for (read once, when a revision form first needs them), and the
// mutations, run through `runAction` so that their user errors show beside their form.
import {
  CancelServiceOrderDocument,
  HoldServiceOrderDocument,
  OrderableProductsDocument,
  ResumeServiceOrderDocument,
  ReviseServiceOrderDocument,
} from "../api/documents";
import { request } from "../api/graphql";
import type { ServiceOrder, Specification } from "../api/shapes";
import { revisionInput, revisionLines, type RevisionLine } from "../plan/lifecycle";
import { changed, state } from "../store";
import { runAction } from "./actions";
import { handleApiError } from "./session";

export const cancelKey = (orderId: string): string => `cancel:${orderId}`;
export const cancelItemKey = (itemId: string): string => `cancel-item:${itemId}`;
export const holdKey = (orderId: string): string => `hold:${orderId}`;
export const resumeKey = (orderId: string): string => `resume:${orderId}`;
export const reviseKey = (orderId: string): string => `revise:${orderId}`;

/** Cancel the whole order (no ids) or only the given line items. */
export function cancelOrder(
  order: ServiceOrder,
  reason: string,
  lineItemIds: string[] | null,
  key = cancelKey(order.id),
): Promise<boolean> {
  return runAction(key, CancelServiceOrderDocument, "cancelServiceOrder", {
    serviceOrderId: order.id,
    reason,
    lineItemIds: lineItemIds?.length ? lineItemIds : null,
  });
}

export function holdOrder(order: ServiceOrder, reason: string): Promise<boolean> {
  return runAction(holdKey(order.id), HoldServiceOrderDocument, "holdServiceOrder", {
    serviceOrderId: order.id,
    reason,
  });
}

export function resumeOrder(order: ServiceOrder, note: string | null): Promise<boolean> {
  return runAction(resumeKey(order.id), ResumeServiceOrderDocument, "resumeServiceOrder", {
    serviceOrderId: order.id,
    note,
  });
}

// ---- The revision form ----------------------------------------------------------------------

export interface RevisionDraft {
  orderId: string;
  /** The order's version the form was opened on: a change meanwhile is a CONFLICT. */
  version: number;
  lines: RevisionLine[];
  reason: string;
}

let draft: RevisionDraft | null = null;
let products: Specification[] | null = null;

/** The revision being edited for `orderId`, if its form is open. */
export function revisionDraft(orderId: string): RevisionDraft | null {
  return draft?.orderId === orderId ? draft : null;
}

/** The PRODUCT specifications a new line can be for; null until read. */
export function orderableProducts(): Specification[] | null {
  return products;
}

async function loadProducts(): Promise<void> {
  if (products !== null) return;
  products = [];
  try {
    const { serviceSpecifications } = await request(OrderableProductsDocument);
    products = serviceSpecifications.filter((s) => s.kind === "PRODUCT");
  } catch (error) {
    products = null;
    state.actions.set("revise:products", {
      busy: false,
      errors: [{ code: "ERROR", message: handleApiError(error), field: null }],
    });
  }
  changed();
}

export function openRevision(order: ServiceOrder): void {
  draft = { orderId: order.id, version: order.version, lines: revisionLines(order), reason: "" };
  state.actions.delete(reviseKey(order.id));
  void loadProducts();
  changed();
}

export function closeRevision(): void {
  draft = null;
  changed();
}

export function editLine(index: number, change: Partial<RevisionLine>): void {
  if (!draft?.lines[index]) return;
  draft.lines[index] = { ...draft.lines[index], ...change };
  changed();
}

export function editReason(reason: string): void {
  if (draft) draft.reason = reason;
}

/** A new line: an ADD of the first orderable product, to be changed in the form. */
export function addLine(): void {
  if (!draft) return;
  draft.lines.push({
    id: null,
    action: "ADD",
    specificationCode: products?.[0]?.code ?? "",
    quantity: "1",
    characteristics: "{}",
    soldProductId: null,
    removed: false,
  });
  changed();
}

/** A new line is dropped from the form; an existing one is marked removed (and can be kept). */
export function removeLine(index: number): void {
  const line = draft?.lines[index];
  if (!draft || !line) return;
  if (line.id === null) draft.lines.splice(index, 1);
  else draft.lines[index] = { ...line, removed: !line.removed };
  changed();
}

export async function submitRevision(): Promise<boolean> {
  if (!draft) return false;
  const key = reviseKey(draft.orderId);
  const { lineItems, problems } = revisionInput(draft.lines);
  if (problems.length) {
    state.actions.set(key, {
      busy: false,
      errors: problems.map((p) => ({ code: "VALIDATION", message: p.message, field: p.field })),
    });
    changed();
    return false;
  }
  const done = await runAction(key, ReviseServiceOrderDocument, "reviseServiceOrder", {
    serviceOrderId: draft.orderId,
    expectedVersion: draft.version,
    reason: draft.reason,
    lineItems,
  });
  if (done) closeRevision();
  return done;
}
