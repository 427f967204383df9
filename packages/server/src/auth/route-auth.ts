/**
 * How a route authenticates its caller. Every route in the table
 * (http/route-table.ts) declares exactly one; the app does not start with a
 * route that declares none, and the Authenticators map in create-app.ts says
 * how each is enforced.
 */
export type AuthKind =
  /** Anyone: health, pages, static assets. */
  | 'public'
  /** An end user's access token (JWT). */
  | 'user'
  /** The platform operator's admin token. */
  | 'admin'
  /** A secret `sk_` key (tenant backend). */
  | 'secret-key'
  /** A publishable `pk_` key from an allowed origin, or a secret key. */
  | 'api-key'
  /** A credential in the body: a refresh token or a tenant-signed identity token. */
  | 'body-token'
  /** Email + password with a `pk_` key or an anonymous session naming the tenant. */
  | 'account';
