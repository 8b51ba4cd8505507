// The order's lifecycle actions, run through `runAction` so that their user errors show beside
// their form.
import { CancelServiceOrderDocument } from "../api/documents";
import type { ServiceOrder } from "../api/shapes";
import { runAction } from "./actions";

export const cancelKey = (orderId: string): string => `cancel:${orderId}`;
export const cancelItemKey = (itemId: string): string => `cancel-item:${itemId}`;

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
