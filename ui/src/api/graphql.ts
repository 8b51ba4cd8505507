// Queries and mutations over HTTP POST /graphql with the signed-in user's bearer token.
import type { TypedDocumentString } from "./documents";

export const GRAPHQL_PATH = "/graphql";

/** A request the API refused as a whole (GraphQL `errors`, or an HTTP failure). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly unauthenticated: boolean,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The variables argument: optional for a document that declares none. */
export type VariablesOf<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

let bearer: string | null = null;

/** Every later request carries this token (null: none, for the sign-in queries). */
export function useToken(token: string | null): void {
  bearer = token;
}

/** Send one of the documents (documents.ts): its result and variables are typed by it. */
export async function request<R, V>(
  document: TypedDocumentString<R, V>,
  ...[variables]: VariablesOf<V>
): Promise<R> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: "POST",
      headers,
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch (error) {
    throw new ApiError(`The service cannot be reached (${String(error)}).`, false);
  }
  const body = (await response.json().catch(() => ({}))) as GraphQLResponse<R>;
  if (body.errors?.length) {
    const unauthenticated =
      response.status === 401 ||
      body.errors.some((e) => /UNAUTHENTICATED|authenticat|token/i.test(e.extensions?.code ?? e.message));
    throw new ApiError(body.errors.map((e) => e.message).join("; "), unauthenticated);
  }
  if (!response.ok || !body.data) {
    throw new ApiError(`The service answered ${response.status}.`, response.status === 401);
  }
  return body.data;
}
