import type { FastifyInstance } from 'fastify'

/** One route as registered: what the fuzz test and the API description test walk. */
export interface RouteInfo {
  method: string
  url: string
  /** The route validates its body with a schema (the JSON API). */
  hasBodySchema: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app registered, in order (filled by setUpRouteTable's onRoute hook). */
    routeTable: RouteInfo[]
  }
}

/** Records every route registered after this call. Call it before any route is added. */
export function setUpRouteTable(app: FastifyInstance): void {
  const table: RouteInfo[] = []
  app.decorate('routeTable', table)
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      if (method === 'HEAD') continue
      table.push({ method, url: route.url, hasBodySchema: Boolean(route.schema?.body) })
    }
  })
}
