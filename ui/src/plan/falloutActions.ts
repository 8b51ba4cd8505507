// What each fallout resolution does, in the words the resolve form offers it: "Fail line item"
// alone would not say that the item's other work is cancelled and its done work undone. No
// rule is copied here: whether the API accepts an action is the API's (its user errors show
// beside the form). No import, so that its tests run in Node (test/falloutActions.test.ts).

const LABELS: Readonly<Record<string, string>> = {
  RETRY_TASK: "Retry the task",
  COMPLETE_TASK: "Complete the task (done by hand)",
  SKIP_TASK: "Skip the task",
  FAIL_LINE_ITEM: "Fail the line item: the work cannot be done (its other work is cancelled, done work undone)",
};

/** The short name of an action, as a resolved fallout shows it. */
const SHORT: Readonly<Record<string, string>> = {
  RETRY_TASK: "Task retried",
  COMPLETE_TASK: "Task completed",
  SKIP_TASK: "Task skipped",
  FAIL_LINE_ITEM: "Line item failed",
};

function fallback(action: string): string {
  const words = action.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The resolve form's option for `action`. */
export function falloutActionLabel(action: string): string {
  return LABELS[action] ?? fallback(action);
}

/** What a resolved fallout's action did, in a few words. */
export function falloutActionOutcome(action: string): string {
  return SHORT[action] ?? fallback(action);
}
