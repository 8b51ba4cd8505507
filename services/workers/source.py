"""The service calls the worker loop makes (loop.TaskSource), as the worker's user: the same
functions behind the public API's fetchAndLockTasks, completeAutomatedTask, failAutomatedTask
and extendTaskLock (services/automation/), not a shortcut of their own.

`job_of` turns what a fetch locked into the handler's `Job`, whose `context` is the JSON
document an http handler POSTs:

    {"task": {"number", "name", "handler", "attempt", "maxAttempts"},
     "order": {"number", "externalId", "customer", "priority"},
     "lineItem": {"action", "specification", "quantity", "characteristics"},
     "soldProduct": {"state", "characteristics"} | null,
     "dependencies": [{"number", "name", "handler", "output"}, …]}
"""
