// Which actions the page offers: exactly those the API says the signed-in user may take now
// (each object's `viewerCan`, computed by the server's policy), so no rule is copied here.
// A refused action (the object changed meanwhile) still comes back as a user error beside it.
import type { User } from "../api/shapes";

/** Whether the user hands work to others, and so needs the list of people to choose from. */
export function handsOutWork(me: User): boolean {
  return me.can.reassignTasks || me.can.reassignFallouts;
}
