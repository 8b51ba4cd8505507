// Every GraphQL document the page sends, in one place: the whole of its contract with the API.

const USER = `id username displayName`;
const PROGRESS = `progress { totalTasks completedTasks percent }`;
const SPECIFICATION = `specification { id code name kind domain }`;
const USER_ERRORS = `userErrors { code message field }`;
// What the signed-in user may do now to each object: the page offers exactly these actions.
const ORDER_CAN = `viewerCan { approve reject reopen }`;
const TASK_CAN = `viewerCan { start complete reassign createFallout }`;
const FALLOUT_CAN = `viewerCan { reassign resolve }`;

const TASK = `
  id number name state priority dueAt version
  assignmentGroup { id name }
  assignee { ${USER} }
  dependsOn { id number name state }
  fallouts { id number state type }
  ${TASK_CAN}`;

const FALLOUT = `
  id number type description state priority
  task { id number name state }
  assignee { ${USER} }
  createdBy { ${USER} }
  resolution { action note }
  ${FALLOUT_CAN}`;

// Oldest first; the page keeps what it has read and asks only for what came after it.
const HISTORY_PAGE = `
  pageInfo { hasNextPage endCursor }
  edges { node { cursor kind occurredAt actor { ${USER} } previousState newState } }`;

const ORDER_SUMMARY = `id number externalId customer priority state ${PROGRESS} ${ORDER_CAN}`;

export const ME = `query Me { me { ${USER} roles can { reassignTasks reassignFallouts } } }`;

export const DEMO_USERS = `query DemoUsers { demoUsers { ${USER} roles can { beAssignedTasks } } }`;

export const SIGN_IN_AS_DEMO_USER = `
  mutation SignInAsDemoUser($username: String!) {
    signInAsDemoUser(username: $username) { token user { ${USER} roles } ${USER_ERRORS} }
  }`;

export const SERVICE_ORDERS = `
  query ServiceOrders($filter: ServiceOrderFilter, $first: Int, $after: String) {
    serviceOrders(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { ${ORDER_SUMMARY} } }
    }
  }`;

export const PLAN = `
  query Plan($id: ID!, $historyAfter: String) {
    serviceOrder(id: $id) {
      ${ORDER_SUMMARY} version
      lineItems {
        id action quantity state characteristics ${PROGRESS} ${SPECIFICATION}
        soldProduct { id state }
        domainOrders {
          id number kind state ${PROGRESS} ${SPECIFICATION}
          parent { id }
          tasks { ${TASK} }
        }
      }
      fallouts { ${FALLOUT} }
      history(first: 100, after: $historyAfter) { ${HISTORY_PAGE} }
    }
  }`;

/** Read on through an order's history, 100 events a page (the API's largest page). */
export const HISTORY = `
  query History($id: ID!, $after: String) {
    serviceOrder(id: $id) { history(first: 100, after: $after) { ${HISTORY_PAGE} } }
  }`;

export const ASSIGNABLE_USERS = `query AssignableUsers { users { ${USER} roles can { beAssignedTasks } } }`;

export const APPROVE = `
  mutation Approve($input: ApproveServiceOrderInput!) {
    approveServiceOrder(input: $input) { serviceOrder { id state } ${USER_ERRORS} }
  }`;

export const REJECT = `
  mutation Reject($input: RejectServiceOrderInput!) {
    rejectServiceOrder(input: $input) { serviceOrder { id state } ${USER_ERRORS} }
  }`;

export const REOPEN = `
  mutation Reopen($input: ReopenServiceOrderInput!) {
    reopenServiceOrder(input: $input) { serviceOrder { id state } ${USER_ERRORS} }
  }`;

export const START_TASK = `
  mutation StartTask($input: StartTaskInput!) {
    startTask(input: $input) { task { id state } ${USER_ERRORS} }
  }`;

export const COMPLETE_TASK = `
  mutation CompleteTask($input: CompleteTaskInput!) {
    completeTask(input: $input) { task { id state } ${USER_ERRORS} }
  }`;

export const REASSIGN_TASK = `
  mutation ReassignTask($input: ReassignTaskInput!) {
    reassignTask(input: $input) { task { id state } ${USER_ERRORS} }
  }`;

export const CREATE_FALLOUT = `
  mutation CreateFallout($input: CreateFalloutInput!) {
    createFallout(input: $input) { fallout { id number } ${USER_ERRORS} }
  }`;

export const REASSIGN_FALLOUT = `
  mutation ReassignFallout($input: ReassignFalloutInput!) {
    reassignFallout(input: $input) { fallout { id state } ${USER_ERRORS} }
  }`;

export const RESOLVE_FALLOUT = `
  mutation ResolveFallout($input: ResolveFalloutInput!) {
    resolveFallout(input: $input) { fallout { id state } ${USER_ERRORS} }
  }`;

const EVENT = `cursor kind occurredAt previousState`;

export const SERVICE_ORDER_CHANGED = `
  subscription ServiceOrderChanged($serviceOrderId: ID, $after: String) {
    serviceOrderChanged(serviceOrderId: $serviceOrderId, after: $after) {
      ${EVENT} serviceOrder { ${ORDER_SUMMARY} }
    }
  }`;

export const TASK_CHANGED = `
  subscription TaskChanged($filter: TaskEventFilter, $after: String) {
    taskChanged(filter: $filter, after: $after) { ${EVENT} task { ${TASK} } }
  }`;

export const FALLOUT_CHANGED = `
  subscription FalloutChanged($filter: FalloutEventFilter, $after: String) {
    falloutChanged(filter: $filter, after: $after) { ${EVENT} fallout { ${FALLOUT} } }
  }`;
