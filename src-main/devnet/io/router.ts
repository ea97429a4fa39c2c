import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path parameters in the order they appear (`:id` segments). */
  params: string[];
  /** The parsed JSON body ({} when empty); throws HttpError on bad JSON or oversize. */
  body(): Promise<unknown>;
}

/** Returns the JSON answer (200), or undefined when the handler answered itself. */
export type RouteHandler = (ctx: RouteContext) => unknown;

export interface Route {
  method: string;
  pattern: RegExp;
  admin: boolean;
  handler: RouteHandler;
}

/** A tiny method + path router; `:name` segments match one path segment. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: RouteHandler, admin = false): this {
    const pattern = new RegExp(`^${path.replace(/:[a-z_]+/g, '([^/]+)')}$`);
    this.routes.push({ method, pattern, admin, handler });
    return this;
  }

  /** The matching route, `'method'` when only the method is wrong, or undefined. */
  match(
    method: string,
    pathname: string,
  ): { route: Route; params: string[] } | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      pathMatched = true;
      if (route.method === method) {
        return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
      }
    }
    return pathMatched ? 'method' : undefined;
  }
}
