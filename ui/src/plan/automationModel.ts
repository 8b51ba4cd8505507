// What the plan says of an automated task, as plain values (views/automation.ts draws them):
// its attempts, whether a retry is waiting, and how long until it is due. No DOM, so that the
// unit tests (test/) run it in Node.

export interface AutomationFacts {
  kind: string;
  state: string;
  attempts: number;
  maxAttempts?: number | null;
  nextAttemptAt?: string | null;
}

export function isAutomated(task: Pick<AutomationFacts, "kind">): boolean {
  return task.kind === "AUTOMATED";
}

/** "2/5" (attempts made of those allowed), or "2" when there is no limit to show. */
export function attemptsText(task: AutomationFacts): string {
  return task.maxAttempts ? `${task.attempts}/${task.maxAttempts}` : String(task.attempts);
}

/** A retryable failure waits out its backoff: READY, with its next attempt still to come. */
export function retryPending(task: AutomationFacts, now: number = Date.now()): boolean {
  return (
    task.state === "READY" && !!task.nextAttemptAt && new Date(task.nextAttemptAt).getTime() > now
  );
}

/** The time left until `iso` as "1m 05s", "45s", or "now" once it has come. */
export function countdownText(iso: string, now: number = Date.now()): string {
  const seconds = Math.ceil((new Date(iso).getTime() - now) / 1000);
  if (!(seconds > 0)) return "now";
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  if (hours) return `${hours}h ${String(minutes).padStart(2, "0")}m ${rest}s`;
  return minutes ? `${minutes}m ${rest}s` : `${seconds % 60}s`;
}
