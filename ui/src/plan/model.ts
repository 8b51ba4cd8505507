// The plan of one order as a tree: order → line items → domain orders (their own tree) → tasks.
import type {
  DomainOrder,
  LineItem,
  Progress,
  ServiceOrder,
  Specification,
  Task,
  TaskRef,
} from "../api/shapes";

export type NodeKind = "order" | "line-item" | "domain-order" | "task";

interface NodeBase {
  key: string;
  id: string;
  level: number;
  parentKey: string | null;
  state: string;
  progress: Progress;
  children: PlanNode[];
}

export type PlanNode =
  | (NodeBase & { kind: "order"; entity: ServiceOrder })
  | (NodeBase & { kind: "line-item"; entity: LineItem })
  | (NodeBase & { kind: "domain-order"; entity: DomainOrder })
  | (NodeBase & { kind: "task"; entity: Task });

export interface PlanCounts {
  lineItems: number;
  domainOrders: number;
  tasks: number;
  openFallouts: number;
}

export interface Plan {
  order: ServiceOrder;
  root: PlanNode;
  byKey: Map<string, PlanNode>;
  /** For each task id, the tasks that wait on it (the inverse of `dependsOn`). */
  dependents: Map<string, TaskRef[]>;
  counts: PlanCounts;
}

export const nodeKey = (kind: NodeKind, id: string): string => `${kind}:${id}`;

const DONE = new Set(["COMPLETED", "SKIPPED"]);

/** A task counts as one unit of progress unless it was cancelled (DESIGN.md, "Progress"). */
export function taskProgress(task: Task): Progress {
  const total = task.state === "CANCELLED" ? 0 : 1;
  const completed = DONE.has(task.state) ? 1 : 0;
  return { totalTasks: total, completedTasks: completed, percent: completed * 100 };
}

export function buildPlan(order: ServiceOrder): Plan {
  const byKey = new Map<string, PlanNode>();
  const dependents = new Map<string, TaskRef[]>();
  const counts: PlanCounts = {
    lineItems: order.lineItems.length,
    domainOrders: 0,
    tasks: 0,
    openFallouts: order.fallouts.filter((f) => f.state === "OPEN" || f.state === "IN_PROGRESS")
      .length,
  };

  const add = <N extends PlanNode>(node: N): N => {
    byKey.set(node.key, node);
    return node;
  };

  const taskNode = (task: Task, parentKey: string, level: number): PlanNode => {
    counts.tasks += 1;
    for (const predecessor of task.dependsOn) {
      const waiting = dependents.get(predecessor.id) ?? [];
      waiting.push({ id: task.id, number: task.number, name: task.name, state: task.state });
      dependents.set(predecessor.id, waiting);
    }
    return add({
      kind: "task",
      key: nodeKey("task", task.id),
      id: task.id,
      level,
      parentKey,
      state: task.state,
      progress: taskProgress(task),
      children: [],
      entity: task,
    });
  };

  const domainOrderNode = (
    domainOrder: DomainOrder,
    childrenOf: Map<string, DomainOrder[]>,
    parentKey: string,
    level: number,
  ): PlanNode => {
    counts.domainOrders += 1;
    const key = nodeKey("domain-order", domainOrder.id);
    const subOrders = (childrenOf.get(domainOrder.id) ?? []).map((child) =>
      domainOrderNode(child, childrenOf, key, level + 1),
    );
    const tasks = domainOrder.tasks.map((task) => taskNode(task, key, level + 1));
    return add({
      kind: "domain-order",
      key,
      id: domainOrder.id,
      level,
      parentKey,
      state: domainOrder.state,
      progress: domainOrder.progress,
      children: [...tasks, ...subOrders],
      entity: domainOrder,
    });
  };

  const lineItemNode = (item: LineItem, parentKey: string, level: number): PlanNode => {
    const key = nodeKey("line-item", item.id);
    // `domainOrders` is the item's whole tree, flat and parents first: rebuild the tree.
    const own = new Set(item.domainOrders.map((d) => d.id));
    const childrenOf = new Map<string, DomainOrder[]>();
    const roots: DomainOrder[] = [];
    for (const domainOrder of item.domainOrders) {
      const parentId = domainOrder.parent?.id;
      if (parentId && own.has(parentId)) {
        childrenOf.set(parentId, [...(childrenOf.get(parentId) ?? []), domainOrder]);
      } else {
        roots.push(domainOrder);
      }
    }
    return add({
      kind: "line-item",
      key,
      id: item.id,
      level,
      parentKey,
      state: item.state,
      progress: item.progress,
      children: roots.map((root) => domainOrderNode(root, childrenOf, key, level + 1)),
      entity: item,
    });
  };

  const rootKey = nodeKey("order", order.id);
  const root = add({
    kind: "order",
    key: rootKey,
    id: order.id,
    level: 1,
    parentKey: null,
    state: order.state,
    progress: order.progress,
    children: order.lineItems.map((item) => lineItemNode(item, rootKey, 2)),
    entity: order,
  });
  return { order, root, byKey, dependents, counts };
}

/** The node's title as the tree and the details panel show it. */
export function nodeTitle(node: PlanNode): string {
  switch (node.kind) {
    case "order":
      return `Service order ${node.entity.number}`;
    case "line-item":
      return `${node.entity.action} ${node.entity.specification.name}`;
    case "domain-order":
      return `${node.entity.number} ${node.entity.specification.name}`;
    case "task":
      return `${node.entity.number} ${node.entity.name}`;
  }
}

export function nodeSpecification(node: PlanNode): Specification | null {
  return node.kind === "line-item" || node.kind === "domain-order"
    ? node.entity.specification
    : null;
}

/** Keys of every node that has children: "expand all". */
export function expandableKeys(plan: Plan): string[] {
  return [...plan.byKey.values()].filter((n) => n.children.length > 0).map((n) => n.key);
}

/** Keys from the root down to `key`, so that a node can be revealed. */
export function ancestorKeys(plan: Plan, key: string): string[] {
  const keys: string[] = [];
  let current = plan.byKey.get(key)?.parentKey ?? null;
  while (current) {
    keys.push(current);
    current = plan.byKey.get(current)?.parentKey ?? null;
  }
  return keys;
}
