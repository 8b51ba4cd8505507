"""The plan query the Orchestration Plan page sends (ui/src/api/documents.ts, `PLAN`): the
whole plan of one order, with its fallouts and the first page of its history."""

from __future__ import annotations

USER = "id username displayName"
PROGRESS = "progress { totalTasks completedTasks percent }"
SPECIFICATION = "specification { id code name kind domain }"
# What the signed-in user may do now to each object: the page offers exactly these actions.
ORDER_CAN = "viewerCan { approve reject reopen }"
TASK_CAN = "viewerCan { start complete reassign createFallout }"
FALLOUT_CAN = "viewerCan { reassign resolve }"
TASK = f"""
  id number name state priority dueAt version
  assignmentGroup {{ id name }}
  assignee {{ {USER} }}
  dependsOn {{ id number name state }}
  fallouts {{ id number state type }}
  {TASK_CAN}"""
FALLOUT = f"""
  id number type description state priority
  task {{ id number name state }}
  assignee {{ {USER} }}
  createdBy {{ {USER} }}
  resolution {{ action note }}
  {FALLOUT_CAN}"""
HISTORY_PAGE = f"""
  pageInfo {{ hasNextPage endCursor }}
  edges {{ node {{ cursor kind occurredAt actor {{ {USER} }} previousState newState }} }}"""
ORDER_SUMMARY = f"id number externalId customer priority state {PROGRESS} {ORDER_CAN}"
HISTORY_PAGE_SIZE = 100

PLAN_QUERY = f"""
query Plan($id: ID!, $historyAfter: String) {{
  serviceOrder(id: $id) {{
    {ORDER_SUMMARY} version
    lineItems {{
      id action quantity state characteristics {PROGRESS} {SPECIFICATION}
      soldProduct {{ id state }}
      domainOrders {{
        id number kind state {PROGRESS} {SPECIFICATION}
        parent {{ id }}
        tasks {{ {TASK} }}
      }}
    }}
    fallouts {{ {FALLOUT} }}
    history(first: {HISTORY_PAGE_SIZE}, after: $historyAfter) {{ {HISTORY_PAGE} }}
  }}
}}"""
