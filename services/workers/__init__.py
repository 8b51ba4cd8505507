"""The built-in worker of automated tasks (`python server.py worker`, and the embedded one of
`make run`): handlers registered by topic, run by a loop that fetches, locks, completes and
fails tasks through the same service calls as any external worker (services/automation/).

- `jobs.py`      what a handler is given (a `Job`) and what it answers (`Completed` / `Failed`)
- `registry.py`  handlers by topic
- `http.py`      the `http` handler kind: POST the task's context to a URL per topic
- `routes.py`    the http handlers' configuration (WORKER_HTTP_ROUTES)
- `demo.py`      the demo catalog's handlers: deterministic, fail on a marked characteristic
- `source.py`    the service calls the loop makes, as the worker's user
- `loop.py`      the worker loop: fetch up to the free slots, run, extend, answer; stop cleanly
- `runtime.py`   a worker as a process (`server.py worker`) or inside the server's lifespan
"""
